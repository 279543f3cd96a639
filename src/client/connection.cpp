// connection.cpp - greeting, upgrade and both framings over a Stream, each wait bounded.
#include "client/connection.hpp"

#include <array>

#include "client/messages.hpp"
#include "protocol/handshake.hpp"

namespace tsna::client {
namespace {

// The seed's client read replies with recv(1024); ours takes more so that a long reply is not
// cut, and caps a TSNA/2 line so that a broken server cannot grow our memory without end.
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kMaxLineBytes = 1 << 20;
// How long a classic-looking partial answer may wait for the rest before it is taken whole.
constexpr std::chrono::milliseconds kClassicQuiet{300};

bool looks_like_classic_reply(std::string_view bytes) {
  return bytes.size() >= 4 && parse_classic_reply(bytes.substr(0, 4)).has_value();
}

}  // namespace

Connection::Connection(std::unique_ptr<Stream> stream, Dialect dialect,
                       std::chrono::milliseconds timeout)
    : stream_(std::move(stream)), dialect_(dialect), timeout_(timeout) {}

IoResult Connection::fill(Clock::time_point until) {
  std::array<char, kReadChunk> chunk;
  std::size_t got = 0;
  IoResult r = stream_->read_some(chunk, until, got);
  if (r.ok()) {
    buffer_.append(chunk.data(), got);
  }
  return r;
}

IoResult Connection::read_line(std::string& line, Clock::time_point until) {
  for (;;) {
    const std::size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return IoResult{};
    }
    if (buffer_.size() > kMaxLineBytes) {
      return IoResult{IoStatus::kProtocol, "a reply line longer than 1 MiB"};
    }
    IoResult r = fill(until);
    if (!r.ok()) {
      return r;
    }
  }
}

IoResult Connection::read_greeting() {
  const Clock::time_point until = deadline();
  while (buffer_.size() < kGreeting.size() && kGreeting.starts_with(buffer_)) {
    IoResult r = fill(until);
    if (!r.ok()) {
      return r;
    }
  }
  if (buffer_.starts_with(kGreeting)) {
    buffer_.erase(0, kGreeting.size());
    return IoResult{};
  }
  // A refusal: the classic reply the server sends before it closes, read until it is quiet.
  while (fill(std::min(until, Clock::now() + kClassicQuiet)).ok()) {
  }
  const std::optional<Reply> reply = parse_classic_reply(buffer_);
  const std::string text = reply ? format_reply(*reply) : "unexpected greeting from the server";
  buffer_.clear();
  return IoResult{IoStatus::kProtocol, terminal_safe(text)};
}

IoResult Connection::upgrade() {
  const Clock::time_point until = deadline();
  if (IoResult r = send_request(kHelloTsna2); !r.ok()) {
    return r;
  }
  while (buffer_.find('\n') == std::string::npos) {
    // A classic server answers without a line end: once its reply has come and nothing more
    // follows for a moment, it is not a TSNA/2 server.
    const bool classic = looks_like_classic_reply(buffer_);
    IoResult r = fill(classic ? std::min(until, Clock::now() + kClassicQuiet) : until);
    if (r.status == IoStatus::kTimeout && classic) {
      return IoResult{IoStatus::kProtocol, std::string(msg::kNoTsna2)};
    }
    if (!r.ok()) {
      return r;
    }
  }
  std::string line;
  read_line(line, until);
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  const std::optional<Reply> reply = parse_classic_reply(line);
  if (!reply || !reply->ok() || reply->text != kTsna2Accepted) {
    return IoResult{IoStatus::kProtocol, std::string(msg::kNoTsna2)};
  }
  return IoResult{};
}

IoResult Connection::send_request(std::string_view request) {
  if (dialect_ == Dialect::kClassic) {
    return stream_->write_all(request, deadline());
  }
  std::string line(request);
  line.push_back('\n');
  return stream_->write_all(line, deadline());
}

IoResult Connection::read_reply(Reply& reply) {
  const Clock::time_point until = deadline();
  if (dialect_ == Dialect::kClassic) {
    if (buffer_.empty()) {
      if (IoResult r = fill(until); !r.ok()) {
        return r;
      }
    }
    std::optional<Reply> parsed = parse_classic_reply(buffer_);
    buffer_.clear();
    if (!parsed) {
      return IoResult{IoStatus::kProtocol, "a reply that is not \"<code>:<text>\""};
    }
    reply = std::move(*parsed);
    return IoResult{};
  }
  ReplyAssembler assembler;
  for (;;) {
    std::string line;
    if (IoResult r = read_line(line, until); !r.ok()) {
      return r;
    }
    switch (assembler.add_line(line)) {
      case ReplyAssembler::Step::kNeedMore:
        continue;
      case ReplyAssembler::Step::kDone:
        reply = assembler.take();
        return IoResult{};
      case ReplyAssembler::Step::kError:
        return IoResult{IoStatus::kProtocol, "a reply line that is not \"<code>:<text>\""};
    }
  }
}

IoResult Connection::read_classic_challenge(std::span<std::uint8_t, 8> challenge,
                                            bool& is_challenge, Reply& refusal) {
  const Clock::time_point until = deadline();
  is_challenge = false;
  // Every classic reply is longer than 8 bytes ("400:" and a text), a challenge exactly 8.
  while (buffer_.size() < challenge.size()) {
    if (IoResult r = fill(until); !r.ok()) {
      return r;
    }
  }
  if (buffer_.size() == challenge.size() && looks_like_classic_reply(buffer_)) {
    // Eight bytes that start like a reply (one challenge in 2^31 does): more follows if it is one.
    const IoResult r = fill(std::min(until, Clock::now() + kClassicQuiet));
    if (!r.ok() && r.status != IoStatus::kTimeout) {
      return r;
    }
  }
  if (buffer_.size() > challenge.size()) {
    std::optional<Reply> parsed = parse_classic_reply(buffer_);
    buffer_.clear();
    if (!parsed) {
      return IoResult{IoStatus::kProtocol, "neither a challenge nor a reply"};
    }
    refusal = std::move(*parsed);
    return IoResult{};
  }
  for (std::size_t i = 0; i < challenge.size(); ++i) {
    challenge[i] = static_cast<std::uint8_t>(buffer_[i]);
  }
  buffer_.clear();
  is_challenge = true;
  return IoResult{};
}

IoResult Connection::send_raw(std::span<const std::uint8_t> bytes) {
  return stream_->write_all(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), deadline());
}

}  // namespace tsna::client
