// pcapng_test.cpp - tests of the pcapng test-support reader: against the seed's real capture
// (expected values from tshark) and against small pcapng files built here. Depends on the reader
// only.
#include "support/pcapng.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

using tsna::testing::read_tcp_conversations;
using tsna::testing::TcpConversation;
using tsna::testing::TcpSegment;

const std::string kSeedCapture = std::string(TSNA_SEED_DIR) + "/Wireshark_pack.pcapng";

std::string from_hex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0x0F]);
  }
  return hex;
}

// (from_client, payload) pairs, so a failure prints the whole conversation.
std::vector<std::pair<bool, std::string>> exchange_of(const TcpConversation& conversation) {
  std::vector<std::pair<bool, std::string>> exchange;
  for (const TcpSegment& segment : conversation.segments) {
    exchange.emplace_back(segment.from_client, segment.payload);
  }
  return exchange;
}

// ---------------------------------------------------------------------------------------------
// Builders for synthetic captures.

void append_integer(std::string& out, std::uint64_t value, int size, bool big_endian) {
  for (int i = 0; i < size; ++i) {
    const int shift = 8 * (big_endian ? size - 1 - i : i);
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

std::string network16(std::uint16_t value) {
  std::string out;
  append_integer(out, value, 2, true);
  return out;
}

std::string network32(std::uint32_t value) {
  std::string out;
  append_integer(out, value, 4, true);
  return out;
}

constexpr std::uint32_t kLoopback = 0x7F000001;
constexpr std::uint8_t kPsh = 0x08;
constexpr std::uint8_t kAck = 0x10;
constexpr std::uint8_t kSyn = 0x02;

struct Tcp {
  std::uint16_t source_port;
  std::uint16_t destination_port;
  std::uint32_t seq;
  std::string payload;
  std::uint8_t flags = kPsh | kAck;
  std::uint32_t source_address = kLoopback;
  std::uint32_t destination_address = kLoopback;
  std::string options = {};  // TCP options, a multiple of 4 bytes
};

// An IPv4 packet (header, TCP header, payload); checksums are left zero as loopback captures do.
std::string ipv4_packet(const Tcp& tcp) {
  const std::size_t tcp_header_length = 20 + tcp.options.size();
  std::string packet = "\x45";
  packet += '\0';
  packet += network16(static_cast<std::uint16_t>(20 + tcp_header_length + tcp.payload.size()));
  packet += network16(0x1234) + network16(0x4000);  // id, DF
  packet += "\x80\x06";                             // TTL 128, TCP
  packet += network16(0);
  packet += network32(tcp.source_address) + network32(tcp.destination_address);
  packet += network16(tcp.source_port) + network16(tcp.destination_port);
  packet += network32(tcp.seq) + network32(0);
  packet += static_cast<char>((tcp_header_length / 4) << 4);
  packet += static_cast<char>(tcp.flags);
  packet += network16(0xFFFF) + network16(0) + network16(0);  // window, checksum, urgent
  return packet + tcp.options + tcp.payload;
}

// DLT_NULL: AF_INET (2) in the byte order of the capturing host.
std::string null_frame(const std::string& ip, bool host_big_endian) {
  std::string frame;
  append_integer(frame, 2, 4, host_big_endian);
  return frame + ip;
}

std::string ethernet_frame(const std::string& ip) {
  std::string frame = from_hex("0200000000010200000000020800") + ip;
  frame.resize(std::max<std::size_t>(frame.size(), 60), '\0');  // minimum frame: padding
  return frame;
}

std::string linux_sll_frame(const std::string& ip) {
  return from_hex("000003040006000000000000") + network16(0) + network16(0x0800) + ip;
}

constexpr std::uint16_t kLinkNull = 0;
constexpr std::uint16_t kLinkEthernet = 1;
constexpr std::uint16_t kLinkRaw = 101;
constexpr std::uint16_t kLinkLinuxSll = 113;

// Appends pcapng blocks in one byte order; starts with a Section Header Block.
class PcapngBuilder {
 public:
  explicit PcapngBuilder(bool big_endian = false) : big_endian_(big_endian) { section(); }

  PcapngBuilder& section(std::uint16_t major_version = 1) {
    std::string body;
    append(body, 0x1A2B3C4D, 4);
    append(body, major_version, 2);
    append(body, 0, 2);
    append(body, ~std::uint64_t{0}, 8);  // section length unknown
    return block(0x0A0D0D0A, body);
  }

  PcapngBuilder& interface(std::uint16_t link_type, std::uint32_t snap_len = 0,
                           const std::string& options = "") {
    std::string body;
    append(body, link_type, 2);
    append(body, 0, 2);
    append(body, snap_len, 4);
    return block(1, body + options);
  }

  PcapngBuilder& packet(std::uint32_t interface_id, std::uint64_t ticks, const std::string& frame) {
    std::string body;
    append(body, interface_id, 4);
    append(body, ticks >> 32, 4);
    append(body, ticks & 0xFFFFFFFF, 4);
    append(body, frame.size(), 4);
    append(body, frame.size(), 4);
    return block(6, body + frame);
  }

  PcapngBuilder& simple_packet(const std::string& frame) {
    std::string body;
    append(body, frame.size(), 4);
    return block(3, body + frame);
  }

  PcapngBuilder& block(std::uint32_t type, std::string body) {
    body.resize((body.size() + 3) / 4 * 4, '\0');
    append(bytes_, type, 4);
    append(bytes_, body.size() + 12, 4);
    bytes_ += body;
    append(bytes_, body.size() + 12, 4);
    return *this;
  }

  // An option (code, length, value padded to 4 bytes) in this builder's byte order.
  std::string option(std::uint16_t code, const std::string& value) const {
    std::string out;
    append(out, code, 2);
    append(out, value.size(), 2);
    out += value;
    out.resize((out.size() + 3) / 4 * 4, '\0');
    return out;
  }

  std::string integer(std::uint64_t value, int size) const {
    std::string out;
    append(out, value, size);
    return out;
  }

  const std::string& bytes() const { return bytes_; }

 private:
  void append(std::string& out, std::uint64_t value, int size) const {
    append_integer(out, value, size, big_endian_);
  }

  bool big_endian_;
  std::string bytes_;
};

// A file in the test temp dir named after the running test, removed at scope exit.
class TempFile {
 public:
  explicit TempFile(const std::string& bytes)
      : path_(std::filesystem::path(::testing::TempDir()) /
              (std::string("pcapng_test_") +
               ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".pcapng")) {
    std::ofstream out(path_, std::ios::binary);
    out << bytes;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

std::vector<TcpConversation> read_bytes(const std::string& bytes, std::uint16_t port) {
  const TempFile file(bytes);
  return read_tcp_conversations(file.path(), port);
}

// Returns the what() of the runtime_error the reader throws, or "no error".
std::string error_of_file(const std::string& path, std::uint16_t port = 6016) {
  try {
    read_tcp_conversations(path, port);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "no error";
}

std::string error_of(const std::string& bytes, std::uint16_t port = 6016) {
  const TempFile file(bytes);
  return error_of_file(file.path(), port);
}

// ---------------------------------------------------------------------------------------------
// The seed's real capture (Windows loopback, DLT_NULL). Expected values are what
// `tshark -Y 'tcp.port==6016 && tcp.len>0' -T fields -e tcp.srcport -e tcp.seq_raw -e tcp.payload`
// shows.

TEST(SeedCapture, HoldsOneConversationOnPort6016FromClientPort54022) {
  const std::vector<TcpConversation> conversations = read_tcp_conversations(kSeedCapture, 6016);

  ASSERT_EQ(conversations.size(), 1U);
  EXPECT_EQ(conversations[0].client_port, 54022);
  EXPECT_EQ(conversations[0].server_port, 6016);
}

// The connection was opened before the capture started (no SYN, no "success" greeting in the
// file), so the conversation starts with the client's `ls`.
TEST(SeedCapture, LoginConversationHoldsExactlyTheSixSegmentsTsharkShows) {
  const std::vector<TcpConversation> conversations = read_tcp_conversations(kSeedCapture, 6016);
  ASSERT_EQ(conversations.size(), 1U);

  const std::vector<std::pair<bool, std::string>> expected = {
      {true, "ls"},
      {false,
       "200:Available commends: \n\t?\n\thelp\n\texit\n\tlogin {name} {password}\n\tregister "
       "{name} {password}"},
      {true, "login HaibinLai 910f4aff69c6c642b3756489bb81a945"},
      {false, from_hex("9c0c24a6caaf4c59")},
      {true, from_hex("7ab4afb2b40aebf9133f29a1105c7a581249ee1616a051f84aa7d7b26cc3f219")},
      {false, "200:login is successful"},
  };
  EXPECT_EQ(exchange_of(conversations[0]), expected);
}

TEST(SeedCapture, SegmentsCarryTheRawSequenceNumbers) {
  const std::vector<TcpConversation> conversations = read_tcp_conversations(kSeedCapture, 6016);
  ASSERT_EQ(conversations.size(), 1U);

  std::vector<std::uint32_t> seqs;
  for (const TcpSegment& segment : conversations[0].segments) {
    seqs.push_back(segment.seq);
  }
  EXPECT_EQ(seqs, (std::vector<std::uint32_t>{54537588, 1254087608, 54537590, 1254087700, 54537638,
                                              1254087708}));
}

TEST(SeedCapture, SegmentTimesAreEpochSecondsOfTheCapture) {
  const std::vector<TcpConversation> conversations = read_tcp_conversations(kSeedCapture, 6016);
  ASSERT_EQ(conversations.size(), 1U);
  ASSERT_EQ(conversations[0].segments.size(), 6U);

  EXPECT_DOUBLE_EQ(conversations[0].segments.front().time, 1731168707.576145);
  EXPECT_DOUBLE_EQ(conversations[0].segments[2].time, 1731168720.477469);
  EXPECT_DOUBLE_EQ(conversations[0].segments.back().time, 1731168720.479738);
}

// Port 49350 (another program in the capture) has 32 short connections, each with one 41088-byte
// client segment: this checks conversation splitting and large loopback segments on real data.
TEST(SeedCapture, Port49350HoldsThirtyTwoConversationsInCaptureOrder) {
  const std::vector<TcpConversation> conversations = read_tcp_conversations(kSeedCapture, 49350);

  std::vector<std::uint16_t> client_ports;
  for (const TcpConversation& conversation : conversations) {
    client_ports.push_back(conversation.client_port);
    ASSERT_EQ(conversation.segments.size(), 1U) << conversation.client_port;
    EXPECT_TRUE(conversation.segments[0].from_client) << conversation.client_port;
    EXPECT_EQ(conversation.segments[0].payload.size(), 41088U) << conversation.client_port;
  }
  EXPECT_EQ(client_ports,
            (std::vector<std::uint16_t>{54126, 54127, 54128, 54129, 54130, 54138, 54146, 54157,
                                        54158, 54160, 54161, 54162, 54163, 54164, 54165, 54167,
                                        54168, 54169, 54170, 54172, 54185, 54186, 54187, 54188,
                                        54189, 54190, 54191, 54192, 54193, 54200, 54201, 54202}));
  ASSERT_FALSE(conversations.empty());
  EXPECT_EQ(conversations[0].segments[0].seq, 1892845235U);
  EXPECT_EQ(to_hex(conversations[0].segments[0].payload.substr(0, 16)),
            "01000000000000000200000000000040");
}

TEST(SeedCapture, PortWithoutTrafficYieldsNoConversations) {
  EXPECT_TRUE(read_tcp_conversations(kSeedCapture, 1).empty());
}

// ---------------------------------------------------------------------------------------------
// Synthetic captures.

TEST(ReadTcpConversations, NullLinkTypeFromBigEndianHostIsDecoded) {
  PcapngBuilder capture(/*big_endian=*/true);
  capture.interface(kLinkNull)
      .packet(0, 1'000'000, null_frame(ipv4_packet({6016, 40000, 7, "success"}), true))
      .packet(0, 2'500'000, null_frame(ipv4_packet({40000, 6016, 9, "ls"}), true));

  const std::vector<TcpConversation> conversations = read_bytes(capture.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 1U);
  EXPECT_EQ(conversations[0].client_port, 40000);
  EXPECT_EQ(conversations[0].server_port, 6016);
  ASSERT_EQ(conversations[0].segments.size(), 2U);
  EXPECT_FALSE(conversations[0].segments[0].from_client);
  EXPECT_EQ(conversations[0].segments[0].payload, "success");
  EXPECT_EQ(conversations[0].segments[0].seq, 7U);
  EXPECT_EQ(conversations[0].segments[0].time, 1.0);
  EXPECT_TRUE(conversations[0].segments[1].from_client);
  EXPECT_EQ(conversations[0].segments[1].payload, "ls");
  EXPECT_EQ(conversations[0].segments[1].seq, 9U);
  EXPECT_EQ(conversations[0].segments[1].time, 2.5);
}

TEST(ReadTcpConversations, NullFrameWithNonInetFamilyIsSkipped) {
  PcapngBuilder capture;
  std::string frame = null_frame(ipv4_packet({40000, 6016, 1, "ls"}), false);
  frame[0] = 24;  // AF_INET6 on Windows
  capture.interface(kLinkNull).packet(0, 0, frame);

  EXPECT_TRUE(read_bytes(capture.bytes(), 6016).empty());
}

TEST(ReadTcpConversations, EthernetPaddingIsNotPartOfThePayload) {
  PcapngBuilder capture;
  capture.interface(kLinkEthernet)
      .packet(0, 0, ethernet_frame(ipv4_packet({40000, 6016, 1, "ls"})));

  const std::vector<TcpConversation> conversations = read_bytes(capture.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 1U);
  ASSERT_EQ(conversations[0].segments.size(), 1U);
  EXPECT_EQ(conversations[0].segments[0].payload, "ls");
}

TEST(ReadTcpConversations, VlanTaggedEthernetFrameIsDecoded) {
  PcapngBuilder capture;
  const std::string frame =
      from_hex("020000000001020000000002810000640800") + ipv4_packet({40000, 6016, 1, "help"});
  capture.interface(kLinkEthernet).packet(0, 0, frame);

  const std::vector<TcpConversation> conversations = read_bytes(capture.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 1U);
  ASSERT_EQ(conversations[0].segments.size(), 1U);
  EXPECT_EQ(conversations[0].segments[0].payload, "help");
}

TEST(ReadTcpConversations, EachPacketUsesTheLinkTypeOfItsInterface) {
  PcapngBuilder capture;
  capture.interface(kLinkRaw)
      .interface(kLinkLinuxSll)
      .packet(1, 0, linux_sll_frame(ipv4_packet({40000, 6016, 1, "ls"})))
      .packet(0, 0, ipv4_packet({6016, 40000, 5, "200:ok"}));

  const std::vector<TcpConversation> conversations = read_bytes(capture.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 1U);
  const std::vector<std::pair<bool, std::string>> expected = {{true, "ls"}, {false, "200:ok"}};
  EXPECT_EQ(exchange_of(conversations[0]), expected);
}

TEST(ReadTcpConversations, SimplePacketBlockUsesFirstInterfaceAndTimeZero) {
  PcapngBuilder capture;
  capture.interface(kLinkRaw)
      .interface(kLinkEthernet)
      .simple_packet(ipv4_packet({40000, 6016, 1, "exit"}));

  const std::vector<TcpConversation> conversations = read_bytes(capture.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 1U);
  ASSERT_EQ(conversations[0].segments.size(), 1U);
  EXPECT_EQ(conversations[0].segments[0].payload, "exit");
  EXPECT_EQ(conversations[0].segments[0].time, 0.0);
}

TEST(ReadTcpConversations, SegmentWithSeenSeqAndDirectionIsDropped) {
  PcapngBuilder capture;
  capture.interface(kLinkRaw)
      .packet(0, 0, ipv4_packet({40000, 6016, 100, "ls"}))
      .packet(0, 0, ipv4_packet({40000, 6016, 100, "ls"}))   // retransmission
      .packet(0, 0, ipv4_packet({6016, 40000, 100, "ok"}))   // same seq, other direction
      .packet(0, 0, ipv4_packet({40000, 6016, 102, "ls"}));  // same bytes, new seq

  const std::vector<TcpConversation> conversations = read_bytes(capture.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 1U);
  const std::vector<std::pair<bool, std::string>> expected = {
      {true, "ls"}, {false, "ok"}, {true, "ls"}};
  EXPECT_EQ(exchange_of(conversations[0]), expected);
}

TEST(ReadTcpConversations, TcpOptionsAreSkippedUsingTheDataOffset) {
  PcapngBuilder capture;
  Tcp tcp{40000, 6016, 1, "ls"};
  tcp.options = from_hex("0101080a0000000100000002");  // NOP NOP timestamps
  capture.interface(kLinkRaw).packet(0, 0, ipv4_packet(tcp));

  const std::vector<TcpConversation> conversations = read_bytes(capture.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 1U);
  ASSERT_EQ(conversations[0].segments.size(), 1U);
  EXPECT_EQ(conversations[0].segments[0].payload, "ls");
}

TEST(ReadTcpConversations, HandshakeOnlyConversationIsKeptWithoutSegments) {
  PcapngBuilder capture;
  capture.interface(kLinkRaw)
      .packet(0, 0, ipv4_packet({40000, 6016, 10, "", kSyn}))
      .packet(0, 0, ipv4_packet({6016, 40000, 50, "", kSyn | kAck}));

  const std::vector<TcpConversation> conversations = read_bytes(capture.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 1U);
  EXPECT_EQ(conversations[0].client_port, 40000);
  EXPECT_TRUE(conversations[0].segments.empty());
}

TEST(ReadTcpConversations, ClientSynWithNewInitialSeqStartsANewConversation) {
  PcapngBuilder capture;
  capture.interface(kLinkRaw)
      .packet(0, 0, ipv4_packet({40000, 6016, 10, "", kSyn}))
      .packet(0, 0, ipv4_packet({40000, 6016, 10, "", kSyn}))  // retransmitted SYN
      .packet(0, 0, ipv4_packet({40000, 6016, 11, "first"}))
      .packet(0, 0, ipv4_packet({40000, 6016, 500, "", kSyn}))  // port reused
      .packet(0, 0, ipv4_packet({40000, 6016, 11, "second"}));

  const std::vector<TcpConversation> conversations = read_bytes(capture.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 2U);
  const std::vector<std::pair<bool, std::string>> first = {{true, "first"}};
  const std::vector<std::pair<bool, std::string>> second = {{true, "second"}};
  EXPECT_EQ(exchange_of(conversations[0]), first);
  EXPECT_EQ(exchange_of(conversations[1]), second);
}

TEST(ReadTcpConversations, ConversationsAreOrderedByFirstPacketAndSplitByClientAddress) {
  PcapngBuilder capture;
  Tcp other_host{40000, 6016, 1, "c"};
  other_host.source_address = 0x7F000002;
  capture.interface(kLinkRaw)
      .packet(0, 0, ipv4_packet({40001, 6016, 1, "a"}))
      .packet(0, 0, ipv4_packet({40000, 6016, 1, "b"}))
      .packet(0, 0, ipv4_packet(other_host))
      .packet(0, 0, ipv4_packet({40001, 6016, 2, "d"}));

  const std::vector<TcpConversation> conversations = read_bytes(capture.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 3U);
  EXPECT_EQ(conversations[0].client_port, 40001);
  EXPECT_EQ(conversations[1].client_port, 40000);
  EXPECT_EQ(conversations[2].client_port, 40000);
  const std::vector<std::pair<bool, std::string>> first = {{true, "a"}, {true, "d"}};
  EXPECT_EQ(exchange_of(conversations[0]), first);
  EXPECT_EQ(conversations[2].segments.at(0).payload, "c");
}

TEST(ReadTcpConversations, UnknownBlocksIpv6AndOtherPortsAreSkipped) {
  PcapngBuilder capture;
  const std::string ipv6 = from_hex("60000000000c0640") + std::string(32, '\0') + network16(40000) +
                           network16(6016) + std::string(8, '\0');
  capture.interface(kLinkRaw)
      .block(5, "statistics")
      .block(0x80000001, "custom")
      .packet(0, 0, ipv6)
      .packet(0, 0, ipv4_packet({40000, 6017, 1, "other port"}))
      .packet(0, 0, ipv4_packet({40000, 6016, 1, "ls"}));

  const std::vector<TcpConversation> conversations = read_bytes(capture.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 1U);
  const std::vector<std::pair<bool, std::string>> expected = {{true, "ls"}};
  EXPECT_EQ(exchange_of(conversations[0]), expected);
}

TEST(ReadTcpConversations, TimestampResolutionAndOffsetOptionsAreApplied) {
  PcapngBuilder capture;
  const std::string nanoseconds_plus_100s = capture.option(9, "\x09") +
                                            capture.option(14, capture.integer(100, 8)) +
                                            capture.option(0, "");
  const std::string binary_milliseconds = capture.option(9, "\x8A");  // 2^-10 s
  capture.interface(kLinkRaw, 0, nanoseconds_plus_100s)
      .interface(kLinkRaw, 0, binary_milliseconds)
      .packet(0, 3'250'000'000, ipv4_packet({40000, 6016, 1, "a"}))
      .packet(1, 3 * 1024 + 512, ipv4_packet({40000, 6016, 2, "b"}));

  const std::vector<TcpConversation> conversations = read_bytes(capture.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 1U);
  ASSERT_EQ(conversations[0].segments.size(), 2U);
  EXPECT_EQ(conversations[0].segments[0].time, 103.25);
  EXPECT_EQ(conversations[0].segments[1].time, 3.5);
}

TEST(ReadTcpConversations, SecondSectionMayChangeByteOrder) {
  PcapngBuilder little;
  little.interface(kLinkRaw).packet(0, 0, ipv4_packet({40000, 6016, 1, "one"}));
  PcapngBuilder big(/*big_endian=*/true);
  big.interface(kLinkRaw).packet(0, 0, ipv4_packet({40000, 6016, 2, "two"}));

  const std::vector<TcpConversation> conversations = read_bytes(little.bytes() + big.bytes(), 6016);

  ASSERT_EQ(conversations.size(), 1U);
  const std::vector<std::pair<bool, std::string>> expected = {{true, "one"}, {true, "two"}};
  EXPECT_EQ(exchange_of(conversations[0]), expected);
}

// ---------------------------------------------------------------------------------------------
// Malformed files.

TEST(ReadTcpConversations, MissingFileThrows) {
  EXPECT_EQ(error_of_file("/nonexistent/x.pcapng"), "pcapng: cannot open /nonexistent/x.pcapng");
}

TEST(ReadTcpConversations, EmptyFileThrows) {
  const TempFile file("");
  EXPECT_EQ(error_of_file(file.path()), "pcapng: empty file " + file.path());
}

TEST(ReadTcpConversations, ClassicPcapFileIsNotPcapng) {
  const std::string classic_pcap = from_hex("d4c3b2a1020004000000000000000000ffff000000000000");
  EXPECT_EQ(error_of(classic_pcap),
            "pcapng: not a pcapng file (no Section Header Block at offset 0)");
}

TEST(ReadTcpConversations, BadByteOrderMagicThrows) {
  std::string bytes = PcapngBuilder().bytes();
  bytes[8] = 'X';
  EXPECT_EQ(error_of(bytes), "pcapng: bad byte-order magic at offset 0");
}

TEST(ReadTcpConversations, UnsupportedMajorVersionThrows) {
  std::string bytes = PcapngBuilder().bytes();
  bytes[12] = 2;
  EXPECT_EQ(error_of(bytes), "pcapng: unsupported major version 2 at offset 0");
}

// Offsets below: Section Header Block 0..28, Interface Description Block 28..48, packet at 48.
TEST(ReadTcpConversations, BlockLengthNotAMultipleOfFourThrows) {
  PcapngBuilder capture;
  std::string bytes = capture.interface(kLinkRaw).bytes();
  bytes[32] = 21;
  EXPECT_EQ(error_of(bytes), "pcapng: bad block length 21 at offset 28");
}

TEST(ReadTcpConversations, BlockLengthBelowTwelveThrows) {
  PcapngBuilder capture;
  std::string bytes = capture.interface(kLinkRaw).bytes();
  bytes[32] = 8;
  EXPECT_EQ(error_of(bytes), "pcapng: bad block length 8 at offset 28");
}

TEST(ReadTcpConversations, BlockRunningPastTheEndOfTheFileThrows) {
  PcapngBuilder capture;
  capture.interface(kLinkRaw).packet(0, 0, ipv4_packet({40000, 6016, 1, "ls"}));
  const std::string bytes = capture.bytes().substr(0, capture.bytes().size() - 4);
  EXPECT_EQ(error_of(bytes),
            "pcapng: block of length 76 runs past the end of the file at offset 48");
}

TEST(ReadTcpConversations, TrailingLengthDifferentFromLeadingLengthThrows) {
  PcapngBuilder capture;
  std::string bytes =
      capture.interface(kLinkRaw).packet(0, 0, ipv4_packet({40000, 6016, 1, "ls"})).bytes();
  bytes[bytes.size() - 4] = 80;
  EXPECT_EQ(error_of(bytes),
            "pcapng: trailing block length differs from leading length 76 at offset 48");
}

TEST(ReadTcpConversations, TrailingBytesShorterThanABlockHeaderThrow) {
  PcapngBuilder capture;
  const std::string bytes = capture.interface(kLinkRaw).bytes() + std::string(8, '\0');
  EXPECT_EQ(error_of(bytes), "pcapng: truncated block header at offset 48");
}

TEST(ReadTcpConversations, PacketOnUndefinedInterfaceThrows) {
  PcapngBuilder capture;
  capture.interface(kLinkRaw).packet(1, 0, ipv4_packet({40000, 6016, 1, "ls"}));
  EXPECT_EQ(error_of(capture.bytes()),
            "pcapng: Enhanced Packet Block names undefined interface 1 at offset 48");
}

TEST(ReadTcpConversations, NewSectionForgetsThePreviousSectionsInterfaces) {
  PcapngBuilder capture;
  capture.interface(kLinkRaw).section().packet(0, 0, ipv4_packet({40000, 6016, 1, "ls"}));
  EXPECT_EQ(error_of(capture.bytes()),
            "pcapng: Enhanced Packet Block names undefined interface 0 at offset 76");
}

TEST(ReadTcpConversations, CapturedLengthBeyondTheBlockThrows) {
  PcapngBuilder capture;
  const std::string body = capture.integer(0, 4) + capture.integer(0, 8) + capture.integer(100, 4) +
                           capture.integer(100, 4) + std::string(8, 'x');
  capture.interface(kLinkRaw).block(6, body);
  EXPECT_EQ(error_of(capture.bytes()),
            "pcapng: captured length 100 exceeds the block at offset 48");
}

TEST(ReadTcpConversations, SimplePacketBeforeAnyInterfaceThrows) {
  PcapngBuilder capture;
  capture.simple_packet(ipv4_packet({40000, 6016, 1, "ls"}));
  EXPECT_EQ(error_of(capture.bytes()),
            "pcapng: Simple Packet Block before any Interface Description Block at offset 28");
}

TEST(ReadTcpConversations, InterfaceOptionRunningPastTheBlockThrows) {
  PcapngBuilder capture;
  capture.interface(kLinkRaw, 0, capture.integer(9, 2) + capture.integer(40, 2));
  EXPECT_EQ(error_of(capture.bytes()),
            "pcapng: option 9 runs past the block in Interface Description Block at offset 28");
}

TEST(ReadTcpConversations, SegmentOnServerPortCutBySnapLengthThrows) {
  PcapngBuilder capture;
  const std::string frame = ipv4_packet({40000, 6016, 1, "login HaibinLai"}).substr(0, 42);
  capture.interface(kLinkRaw, 42).packet(0, 0, frame);

  EXPECT_EQ(error_of(capture.bytes(), 6016),
            "pcapng: TCP segment on port 6016 truncated to 42 of 55 IP bytes in packet 1");
  EXPECT_TRUE(read_bytes(capture.bytes(), 6017).empty());
}

TEST(ReadTcpConversations, TcpDataOffsetBelowFiveWordsThrows) {
  PcapngBuilder capture;
  std::string packet = ipv4_packet({40000, 6016, 1, "ls"});
  packet[32] = 0x40;  // data offset 4 words
  capture.interface(kLinkRaw).packet(0, 0, packet);
  EXPECT_EQ(error_of(capture.bytes()), "pcapng: bad TCP data offset 16 in packet 1");
}

}  // namespace
