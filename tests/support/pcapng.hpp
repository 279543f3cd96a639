// pcapng.hpp - test support: reads a pcapng capture and extracts the TCP conversations on one port,
// so tests can replay real client bytes. Pure file parsing: no sockets, no libpcap, no project
// code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tsna::testing {

// One payload-bearing TCP segment of a conversation.
struct TcpSegment {
  bool from_client;     // true when sent to the server port
  std::string payload;  // the TCP payload bytes (no link, IP or TCP header, no Ethernet padding)
  double time;          // capture time, seconds since the Unix epoch (0 for Simple Packet Blocks)
  std::uint32_t seq;    // the raw sequence number from the TCP header (not relative)
};

// One TCP connection between a client and the server port.
struct TcpConversation {
  std::uint16_t client_port;
  std::uint16_t server_port;
  // Payload-bearing segments only, in capture order; a segment whose (direction, seq) was already
  // seen in this conversation (a retransmission or duplicate) is dropped.
  std::vector<TcpSegment> segments;
};

// Reads every section of the pcapng file at `pcapng_path` and returns the IPv4 TCP conversations
// that have `server_port` as one end, in order of their first packet. A conversation is identified
// by client address, client port and server address; a SYN from the client with a new initial
// sequence number starts a new conversation (port reuse). Conversations without payload are kept
// (with no segments). Supported link types: NULL (0), ETHERNET (1, with 802.1Q tags), RAW (101),
// LOOP (108), LINUX_SLL (113), IPV4 (228), LINUX_SLL2 (276); packets of other link types, non-IPv4
// packets and IPv4 fragments are skipped. Throws std::runtime_error (message starting "pcapng: ")
// when the file cannot be read, is not pcapng, is malformed, or truncates a TCP segment of a
// conversation on `server_port` (so a replay never silently loses bytes).
std::vector<TcpConversation> read_tcp_conversations(const std::string& pcapng_path,
                                                    std::uint16_t server_port);

}  // namespace tsna::testing
