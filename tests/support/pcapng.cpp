// pcapng.cpp - test support: pcapng block parser, link/IPv4/TCP header decoding and conversation
// assembly for read_tcp_conversations. Pure file parsing: no sockets, no libpcap, no project code.
#include "support/pcapng.hpp"

#include <algorithm>
#include <compare>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace tsna::testing {
namespace {

constexpr std::uint32_t kSectionHeaderBlock = 0x0A0D0D0A;  // same in both byte orders
constexpr std::uint32_t kInterfaceDescriptionBlock = 0x00000001;
constexpr std::uint32_t kSimplePacketBlock = 0x00000003;
constexpr std::uint32_t kEnhancedPacketBlock = 0x00000006;
constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr std::uint16_t kMajorVersion = 1;

constexpr std::uint16_t kOptionEnd = 0;
constexpr std::uint16_t kOptionTsResol = 9;
constexpr std::uint16_t kOptionTsOffset = 14;

constexpr std::uint16_t kLinkNull = 0;         // 4-byte AF_ value in the capturing host's order
constexpr std::uint16_t kLinkEthernet = 1;     // 14-byte Ethernet II header (+ VLAN tags)
constexpr std::uint16_t kLinkRaw = 101;        // IP header first
constexpr std::uint16_t kLinkLoop = 108;       // 4-byte AF_ value in network order (OpenBSD)
constexpr std::uint16_t kLinkLinuxSll = 113;   // 16-byte Linux cooked header
constexpr std::uint16_t kLinkIpv4 = 228;       // IPv4 header first
constexpr std::uint16_t kLinkLinuxSll2 = 276;  // 20-byte Linux cooked header v2

constexpr std::uint32_t kAfInet = 2;  // AF_INET is 2 on every OS that writes DLT_NULL
constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeVlan = 0x8100;
constexpr std::uint16_t kEtherTypeQinQ = 0x88A8;
constexpr std::uint8_t kIpProtocolTcp = 6;
constexpr std::uint8_t kTcpFlagSyn = 0x02;
constexpr std::uint8_t kTcpFlagAck = 0x10;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("pcapng: " + what);
}

// Callers check bounds before loading.
std::uint16_t load16(std::string_view bytes, std::size_t offset, bool big_endian) {
  const auto b0 = static_cast<std::uint8_t>(bytes[offset]);
  const auto b1 = static_cast<std::uint8_t>(bytes[offset + 1]);
  return static_cast<std::uint16_t>(big_endian ? (b0 << 8) | b1 : (b1 << 8) | b0);
}

std::uint32_t load32(std::string_view bytes, std::size_t offset, bool big_endian) {
  const std::uint32_t first = load16(bytes, offset, big_endian);
  const std::uint32_t second = load16(bytes, offset + 2, big_endian);
  return big_endian ? (first << 16) | second : (second << 16) | first;
}

std::uint64_t load64(std::string_view bytes, std::size_t offset, bool big_endian) {
  const std::uint64_t first = load32(bytes, offset, big_endian);
  const std::uint64_t second = load32(bytes, offset + 4, big_endian);
  return big_endian ? (first << 32) | second : (second << 32) | first;
}

std::uint32_t byte_swap32(std::uint32_t value) {
  return ((value & 0xFFU) << 24) | ((value & 0xFF00U) << 8) | ((value >> 8) & 0xFF00U) |
         (value >> 24);
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fail("cannot open " + path);
  }
  std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) {
    fail("cannot read " + path);
  }
  return data;
}

struct Interface {
  std::uint16_t link_type = 0;
  std::uint32_t snap_len = 0;  // 0 = no limit
  std::uint64_t ticks_per_second = 1'000'000;
  std::int64_t offset_seconds = 0;
};

Interface parse_interface(std::string_view body, bool big_endian, std::size_t block_offset) {
  const std::string where =
      " in Interface Description Block at offset " + std::to_string(block_offset);
  if (body.size() < 8) {
    fail("body too short" + where);
  }
  Interface interface;
  interface.link_type = load16(body, 0, big_endian);
  interface.snap_len = load32(body, 4, big_endian);
  std::size_t pos = 8;
  while (body.size() - pos >= 4) {
    const std::uint16_t code = load16(body, pos, big_endian);
    const std::uint16_t length = load16(body, pos + 2, big_endian);
    if (code == kOptionEnd) {
      break;
    }
    const std::size_t padded = (static_cast<std::size_t>(length) + 3) & ~std::size_t{3};
    if (padded > body.size() - pos - 4) {
      fail("option " + std::to_string(code) + " runs past the block" + where);
    }
    const std::string_view value = body.substr(pos + 4, length);
    if (code == kOptionTsResol) {
      if (value.size() != 1) {
        fail("if_tsresol has length " + std::to_string(value.size()) + where);
      }
      const auto resolution = static_cast<std::uint8_t>(value[0]);
      const unsigned exponent = resolution & 0x7FU;
      if ((resolution & 0x80U) != 0) {
        if (exponent > 63) {
          fail("if_tsresol 2^-" + std::to_string(exponent) + " is too fine" + where);
        }
        interface.ticks_per_second = std::uint64_t{1} << exponent;
      } else {
        if (exponent > 19) {
          fail("if_tsresol 10^-" + std::to_string(exponent) + " is too fine" + where);
        }
        interface.ticks_per_second = 1;
        for (unsigned i = 0; i < exponent; ++i) {
          interface.ticks_per_second *= 10;
        }
      }
    } else if (code == kOptionTsOffset) {
      if (value.size() != 8) {
        fail("if_tsoffset has length " + std::to_string(value.size()) + where);
      }
      interface.offset_seconds = static_cast<std::int64_t>(load64(value, 0, big_endian));
    }
    pos += 4 + padded;
  }
  return interface;
}

// Returns the bytes from the IPv4 header on, or nothing when the frame does not carry IPv4.
std::optional<std::string_view> ipv4_of_frame(std::string_view frame, std::uint16_t link_type,
                                              bool big_endian) {
  switch (link_type) {
    case kLinkNull:
    case kLinkLoop: {
      // The family is in the capturing host's order (NULL) or network order (LOOP); like
      // libpcap, accept it in either order since AF_INET is the same everywhere.
      if (frame.size() < 4) {
        return std::nullopt;
      }
      const std::uint32_t family = load32(frame, 0, big_endian);
      if (family != kAfInet && byte_swap32(family) != kAfInet) {
        return std::nullopt;
      }
      return frame.substr(4);
    }
    case kLinkEthernet: {
      std::size_t type_offset = 12;
      while (frame.size() >= type_offset + 2) {
        const std::uint16_t ether_type = load16(frame, type_offset, true);
        if (ether_type == kEtherTypeVlan || ether_type == kEtherTypeQinQ) {
          type_offset += 4;
          continue;
        }
        if (ether_type != kEtherTypeIpv4) {
          return std::nullopt;
        }
        return frame.substr(type_offset + 2);
      }
      return std::nullopt;
    }
    case kLinkRaw:
    case kLinkIpv4:
      return frame;
    case kLinkLinuxSll:
      if (frame.size() < 16 || load16(frame, 14, true) != kEtherTypeIpv4) {
        return std::nullopt;
      }
      return frame.substr(16);
    case kLinkLinuxSll2:
      if (frame.size() < 20 || load16(frame, 0, true) != kEtherTypeIpv4) {
        return std::nullopt;
      }
      return frame.substr(20);
    default:
      return std::nullopt;
  }
}

struct ConversationKey {
  std::uint32_t client_address;
  std::uint32_t server_address;
  std::uint16_t client_port;
  auto operator<=>(const ConversationKey&) const = default;
};

struct ConversationState {
  std::optional<std::uint32_t> client_initial_seq;  // set when the client's SYN was captured
  std::set<std::pair<bool, std::uint32_t>> seen;    // (from_client, seq) of kept segments
};

class ConversationBuilder {
 public:
  explicit ConversationBuilder(std::uint16_t server_port) : server_port_(server_port) {}

  // Decodes one captured frame; `packet_number` is 1-based as in Wireshark, for messages.
  void add_frame(std::string_view frame, std::uint16_t link_type, bool big_endian, double time,
                 std::size_t packet_number) {
    const std::optional<std::string_view> ip = ipv4_of_frame(frame, link_type, big_endian);
    if (!ip || ip->size() < 20 || (static_cast<std::uint8_t>((*ip)[0]) >> 4) != 4) {
      return;
    }
    const std::size_t ip_header_length = (static_cast<std::uint8_t>((*ip)[0]) & 0x0FU) * 4U;
    const bool is_fragment = (load16(*ip, 6, true) & 0x3FFFU) != 0;  // MF flag or offset
    if (static_cast<std::uint8_t>((*ip)[9]) != kIpProtocolTcp || is_fragment ||
        ip->size() < ip_header_length + 4 || ip_header_length < 20) {
      return;
    }
    const std::uint16_t source_port = load16(*ip, ip_header_length, true);
    const std::uint16_t destination_port = load16(*ip, ip_header_length + 2, true);
    if (source_port != server_port_ && destination_port != server_port_) {
      return;
    }
    const std::string where = " in packet " + std::to_string(packet_number);
    std::size_t total_length = load16(*ip, 2, true);
    if (total_length == 0) {
      total_length = ip->size();  // 0 = "see the link layer", written for TSO super-frames
    }
    if (total_length > ip->size()) {
      fail("TCP segment on port " + std::to_string(server_port_) + " truncated to " +
           std::to_string(ip->size()) + " of " + std::to_string(total_length) + " IP bytes" +
           where);
    }
    if (total_length < ip_header_length + 20) {
      fail("IPv4 total length " + std::to_string(total_length) + " too short for TCP" + where);
    }
    const std::string_view tcp = ip->substr(ip_header_length, total_length - ip_header_length);
    const std::size_t tcp_header_length = (static_cast<std::uint8_t>(tcp[12]) >> 4) * 4U;
    if (tcp_header_length < 20 || tcp_header_length > tcp.size()) {
      fail("bad TCP data offset " + std::to_string(tcp_header_length) + where);
    }
    const bool from_client = destination_port == server_port_;
    const ConversationKey key{
        .client_address = load32(*ip, from_client ? 12 : 16, true),
        .server_address = load32(*ip, from_client ? 16 : 12, true),
        .client_port = from_client ? source_port : destination_port,
    };
    const std::uint32_t seq = load32(tcp, 4, true);
    const auto flags = static_cast<std::uint8_t>(tcp[13]);
    const bool is_client_syn =
        from_client && (flags & kTcpFlagSyn) != 0 && (flags & kTcpFlagAck) == 0;

    auto open = open_.find(key);
    // A client SYN with a new initial sequence number (or after a conversation captured
    // mid-stream) is a new connection on a reused port; a retransmitted SYN is not.
    if (open == open_.end() || (is_client_syn && states_[open->second].client_initial_seq != seq)) {
      open = open_.insert_or_assign(key, conversations_.size()).first;
      conversations_.push_back(TcpConversation{
          .client_port = key.client_port, .server_port = server_port_, .segments = {}});
      states_.emplace_back();
    }
    const std::size_t index = open->second;
    if (is_client_syn) {
      states_[index].client_initial_seq = seq;
    }
    const std::string_view payload = tcp.substr(tcp_header_length);
    if (payload.empty() || !states_[index].seen.emplace(from_client, seq).second) {
      return;
    }
    conversations_[index].segments.push_back(TcpSegment{
        .from_client = from_client, .payload = std::string(payload), .time = time, .seq = seq});
  }

  std::vector<TcpConversation> take() && { return std::move(conversations_); }

 private:
  std::uint16_t server_port_;
  std::map<ConversationKey, std::size_t> open_;  // latest conversation per key
  std::vector<TcpConversation> conversations_;
  std::vector<ConversationState> states_;  // parallel to conversations_
};

double timestamp_seconds(const Interface& interface, std::uint64_t ticks) {
  const std::uint64_t whole = ticks / interface.ticks_per_second;
  const std::uint64_t fraction = ticks % interface.ticks_per_second;
  return static_cast<double>(interface.offset_seconds) + static_cast<double>(whole) +
         static_cast<double>(fraction) / static_cast<double>(interface.ticks_per_second);
}

}  // namespace

std::vector<TcpConversation> read_tcp_conversations(const std::string& pcapng_path,
                                                    std::uint16_t server_port) {
  const std::string file = read_whole_file(pcapng_path);
  const std::string_view data = file;
  ConversationBuilder builder(server_port);
  std::vector<Interface> interfaces;  // of the current section
  bool big_endian = false;
  std::size_t packet_number = 0;
  std::size_t pos = 0;
  if (data.empty()) {
    fail("empty file " + pcapng_path);
  }
  while (pos < data.size()) {
    const std::string at = " at offset " + std::to_string(pos);
    if (data.size() - pos < 12) {
      fail("truncated block header" + at);
    }
    const bool is_section = load32(data, pos, false) == kSectionHeaderBlock;
    if (is_section) {
      if (data.size() - pos < 16) {
        fail("truncated Section Header Block" + at);
      }
      const std::uint32_t magic = load32(data, pos + 8, false);
      if (magic == kByteOrderMagic) {
        big_endian = false;
      } else if (byte_swap32(magic) == kByteOrderMagic) {
        big_endian = true;
      } else {
        fail("bad byte-order magic" + at);
      }
    } else if (pos == 0) {
      fail("not a pcapng file (no Section Header Block" + at + ")");
    }
    const std::uint32_t type = load32(data, pos, big_endian);
    const std::uint32_t length = load32(data, pos + 4, big_endian);
    if (length < 12 || length % 4 != 0) {
      fail("bad block length " + std::to_string(length) + at);
    }
    if (length > data.size() - pos) {
      fail("block of length " + std::to_string(length) + " runs past the end of the file" + at);
    }
    if (load32(data, pos + length - 4, big_endian) != length) {
      fail("trailing block length differs from leading length " + std::to_string(length) + at);
    }
    const std::string_view body = data.substr(pos + 8, length - 12);
    if (is_section) {
      if (body.size() < 16) {
        fail("Section Header Block too short" + at);
      }
      const std::uint16_t major = load16(body, 4, big_endian);
      if (major != kMajorVersion) {
        fail("unsupported major version " + std::to_string(major) + at);
      }
      interfaces.clear();
    } else if (type == kInterfaceDescriptionBlock) {
      interfaces.push_back(parse_interface(body, big_endian, pos));
    } else if (type == kEnhancedPacketBlock) {
      ++packet_number;
      if (body.size() < 20) {
        fail("Enhanced Packet Block too short" + at);
      }
      const std::uint32_t interface_id = load32(body, 0, big_endian);
      if (interface_id >= interfaces.size()) {
        fail("Enhanced Packet Block names undefined interface " + std::to_string(interface_id) +
             at);
      }
      const std::uint64_t ticks =
          (std::uint64_t{load32(body, 4, big_endian)} << 32) | load32(body, 8, big_endian);
      const std::uint32_t captured_length = load32(body, 12, big_endian);
      if (captured_length > body.size() - 20) {
        fail("captured length " + std::to_string(captured_length) + " exceeds the block" + at);
      }
      const Interface& interface = interfaces[interface_id];
      builder.add_frame(body.substr(20, captured_length), interface.link_type, big_endian,
                        timestamp_seconds(interface, ticks), packet_number);
    } else if (type == kSimplePacketBlock) {
      ++packet_number;
      if (body.size() < 4) {
        fail("Simple Packet Block too short" + at);
      }
      if (interfaces.empty()) {
        fail("Simple Packet Block before any Interface Description Block" + at);
      }
      // No captured length field: it is the original length cut to the snap length.
      std::size_t captured_length =
          std::min<std::size_t>(load32(body, 0, big_endian), body.size() - 4);
      if (interfaces[0].snap_len != 0) {
        captured_length = std::min<std::size_t>(captured_length, interfaces[0].snap_len);
      }
      builder.add_frame(body.substr(4, captured_length), interfaces[0].link_type, big_endian, 0.0,
                        packet_number);
    }
    pos += length;
  }
  return std::move(builder).take();
}

}  // namespace tsna::testing
