// connection.hpp - one connection to a TSNA server in either dialect (SPEC 1): the greeting,
// the TSNA/2 upgrade, sending requests and reading replies with a time limit each. Bytes move
// through a Stream (client/tcp_stream.hpp): plain TCP today; a TLS stream is the seam for
// --tls and changes nothing here. No terminal I/O, no passwords: see login.hpp.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "client/reply_parser.hpp"
#include "client/tcp_stream.hpp"
#include "common/dialect.hpp"

namespace tsna::client {

class Connection {
 public:
  // `timeout` bounds each wait for the server (a reply, the greeting, a challenge).
  Connection(std::unique_ptr<Stream> stream, Dialect dialect, std::chrono::milliseconds timeout);

  Dialect dialect() const { return dialect_; }
  // Under TLS, the tls-exporter channel binding of a TSNA/2 login (SCRAM-SHA-256-PLUS, SPEC 1.2).
  std::optional<std::array<std::uint8_t, 32>> channel_binding() const {
    return stream_->channel_binding();
  }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Reads the server's greeting `success` (SPEC 1). A server that refuses the connection sends
  // a classic reply instead ("400:Too many connections") and closes: kProtocol with that
  // reply's text in `detail`.
  IoResult read_greeting();

  // TSNA/2 only: sends "hello TSNA/2\n" and expects "200:TSNA/2". A server that answers in the
  // classic dialect (the seed's own) gives kProtocol with msg::kNoTsna2.
  IoResult upgrade();

  // One request: classic as one write with no terminator (the seed's framing), TSNA/2 as a line.
  IoResult send_request(std::string_view request);

  // One reply: classic, what one read brings (the seed's framing: replies have no terminator);
  // TSNA/2, one FTP-style reply of one or more lines (SPEC 1.2).
  IoResult read_reply(Reply& reply);

  // The classic login's second step (SPEC 1.1): either the 8 raw challenge bytes (`is_challenge`
  // set, `challenge` filled) or a reply refusing the login.
  IoResult read_classic_challenge(std::span<std::uint8_t, 8> challenge, bool& is_challenge,
                                  Reply& refusal);

  // Raw bytes outside any framing: the classic login's 32-byte answer.
  IoResult send_raw(std::span<const std::uint8_t> bytes);

 private:
  Clock::time_point deadline() const { return Clock::now() + timeout_; }
  // Appends one read to buffer_.
  IoResult fill(Clock::time_point deadline);
  // Takes one '\n'-terminated line (without it) from buffer_, reading as needed.
  IoResult read_line(std::string& line, Clock::time_point deadline);

  std::unique_ptr<Stream> stream_;
  Dialect dialect_;
  std::chrono::milliseconds timeout_;
  std::string buffer_;  // bytes read but not yet used
};

}  // namespace tsna::client
