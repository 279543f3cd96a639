// connection_steps.cpp - setup exchanges with bounded reads: one read helper under the TSNA/2
// and classic reply readers, and the checks of each reply against protocol/'s constants; the
// SCRAM login's messages are auth::ScramClient's.
#include "bench/connection_steps.hpp"

#include <array>
#include <asio/write.hpp>
#include <cstdio>
#include <span>

#include "auth/ntlm.hpp"
#include "auth/scram_client.hpp"
#include "protocol/handshake.hpp"
#include "protocol/reply.hpp"
#include "protocol/reply_head.hpp"
#include "protocol/scram_login.hpp"

namespace tsna::bench {
namespace {

constexpr std::size_t kMaxSetupReply = 64 * 1024;  // a setup reply longer than this is wrong
// The text of the server's reply to registering a name that exists (commands/messages.hpp's
// msg::kUserExists; tsna-bench may depend on the wire protocol only, not on the server's code).
constexpr std::string_view kUserExists = "Username is already in users!";

// "200:TSNA/2\n", as the server encodes it.
const std::string& tsna2_accepted_reply() {
  static const std::string reply = [] {
    std::string out;
    append_reply(out, Dialect::kTsna2, Code::kOk, kTsna2Accepted);
    return out;
  }();
  return reply;
}

// The server's words, trimmed and made printable, for an error message.
std::string quoted(std::string_view bytes) {
  std::string out = "'";
  for (const char c : bytes.substr(0, 120)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    } else {
      out.push_back(c);
    }
  }
  out += bytes.size() > 120 ? "...'" : "'";
  return out;
}

// The server answered `what` with `bytes`, not as hoped.
Failure refused(std::string_view what, std::string_view bytes) {
  return Failure{true, std::string(what) + ": the server said " + quoted(bytes)};
}

asio::awaitable<StepResult> write_all(tcp::socket& socket, std::string_view bytes) {
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(bytes), kNoThrow);
  if (ec) {
    co_return connection_failure("write", ec);
  }
  co_return std::nullopt;
}

asio::awaitable<StepResult> send_request(tcp::socket& socket, const Shared& s,
                                         std::string_view request) {
  const std::string framed = frame_request(s.options.target, request);
  co_return co_await write_all(socket, framed);
}

// Appends what one read brings to `in`.
asio::awaitable<StepResult> read_more(tcp::socket& socket, std::string& in, std::string_view what) {
  char buf[512];
  auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), kNoThrow);
  if (ec) {
    co_return connection_failure(what, ec);
  }
  in.append(buf, n);
  co_return std::nullopt;
}

// Reads until `in` holds at least `count` bytes.
asio::awaitable<StepResult> read_at_least(tcp::socket& socket, std::string& in, std::size_t count,
                                          std::string_view what) {
  while (in.size() < count) {
    if (auto f = co_await read_more(socket, in, what)) {
      co_return f;
    }
  }
  co_return std::nullopt;
}

// Reads one whole TSNA/2 reply into `reply`; bytes after it stay in `in`.
asio::awaitable<StepResult> read_tsna2_reply(tcp::socket& socket, std::string& in,
                                             std::string& reply, std::string_view what) {
  for (;;) {
    if (const std::size_t n = complete_tsna2_reply(in); n != 0) {
      reply.assign(in, 0, n);
      in.erase(0, n);
      co_return std::nullopt;
    }
    if (in.size() > kMaxSetupReply) {
      co_return Failure{true, std::string(what) + ": reply too long"};
    }
    if (auto f = co_await read_more(socket, in, what)) {
      co_return f;
    }
  }
}

// One reply of s.options.target's dialect into `reply`. Classic: one read is one reply (SPEC
// 1.1), so `in` is not used.
asio::awaitable<StepResult> read_reply(tcp::socket& socket, const Shared& s, std::string& in,
                                       std::string& reply, std::string_view what) {
  if (s.options.target == Target::kTsna2) {
    return read_tsna2_reply(socket, in, reply, what);
  }
  reply.clear();
  return read_more(socket, reply, what);
}

asio::awaitable<StepResult> read_greeting(tcp::socket& socket, std::string& in) {
  if (auto f = co_await read_at_least(socket, in, kGreeting.size(), "greeting")) {
    co_return f;
  }
  if (!in.starts_with(kGreeting)) {
    // "400:Too many connections\n" comes instead of the greeting; show all of it.
    char buf[256];
    std::error_code ignored;
    socket.non_blocking(true, ignored);  // what is there now, never a wait (login connections)
    const std::size_t more = socket.read_some(asio::buffer(buf), ignored);
    in.append(buf, ignored ? 0 : more);
    co_return refused("greeting", in);
  }
  in.erase(0, kGreeting.size());
  co_return std::nullopt;
}

// The bytes of the first line of a TSNA/2 reply after its head ("300:", "200-"), or empty
// when `reply` has no such line.
std::string_view first_line_text(std::string_view reply) {
  const std::size_t nl = reply.find('\n');
  if (nl == std::string_view::npos || nl < kReplyHeadBytes) {
    return {};
  }
  return reply.substr(kReplyHeadBytes, nl - kReplyHeadBytes);
}

// SCRAM-SHA-256 (SPEC 1.2): `auth SCRAM-SHA-256 <client-first>`, `300:<server-first>`,
// client-final, then `200-<server-final>` `200:login is successful`, the server-final checked.
asio::awaitable<StepResult> login_tsna2(tcp::socket& socket, const Shared& s, std::string& in,
                                        const std::string& name) {
  auth::ScramClient scram(auth::ScramMechanism::kSha256, name, s.hash, {},
                          s.salted_passwords.get());
  const std::string client_first = scram.first();
  if (client_first.empty()) {
    co_return Failure{true, "login " + name + ": SASLprep refuses the name"};
  }
  if (auto f = co_await send_request(
          socket, s,
          auth_request(auth::mechanism_name(auth::ScramMechanism::kSha256), client_first))) {
    co_return f;
  }
  std::string reply;
  if (auto f = co_await read_tsna2_reply(socket, in, reply, "login")) {
    co_return f;
  }
  std::string client_final;
  if (!is_last_line_with(reply, Code::kChallenge) ||
      scram.step(first_line_text(reply), client_final) != auth::ScramClientStep::kContinue) {
    co_return refused("login " + name, reply);
  }
  if (auto f = co_await send_request(socket, s, client_final)) {
    co_return f;
  }
  if (auto f = co_await read_tsna2_reply(socket, in, reply, "login answer")) {
    co_return f;
  }
  // "200-<server-final>\n200:<text>\n": one continuation line, then the last.
  const std::string_view server_final = first_line_text(reply);
  const std::size_t second_line = server_final.size() + kReplyHeadBytes + 1;
  std::string none;
  if (!reply.starts_with("200-") || second_line >= reply.size() ||
      !is_last_line_with(std::string_view(reply).substr(second_line), Code::kOk)) {
    co_return refused("login " + name, reply);
  }
  if (scram.step(server_final, none) != auth::ScramClientStep::kServerVerified) {
    co_return refused("login " + name + " (the server's signature is wrong)", reply);
  }
  co_return std::nullopt;
}

// Classic: "login NAME HASH", 8 raw challenge bytes back, 32 raw HMAC bytes out (SPEC 1.1).
asio::awaitable<StepResult> login_classic(tcp::socket& socket, const Shared& s, std::string& in,
                                          const std::string& name) {
  if (auto f = co_await send_request(socket, s, "login " + name + " " + s.hash)) {
    co_return f;
  }
  in.clear();
  if (auto f = co_await read_at_least(socket, in, auth::kClassicChallengeBytes, "login")) {
    co_return f;
  }
  if (in.size() != auth::kClassicChallengeBytes) {
    co_return refused("login " + name, in);
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(in.data());
  const auth::Digest answer =
      auth::classic_response(s.hash, std::span(bytes, auth::kClassicChallengeBytes));
  in.clear();
  if (auto f = co_await write_all(
          socket, std::string_view(reinterpret_cast<const char*>(answer.data()), answer.size()))) {
    co_return f;
  }
  std::string reply;
  if (auto f = co_await read_reply(socket, s, in, reply, "login answer")) {
    co_return f;
  }
  if (!is_last_line_with(reply, Code::kOk)) {
    co_return refused("login " + name, reply);
  }
  co_return std::nullopt;
}

}  // namespace

std::string frame_request(Target target, std::string_view request) {
  std::string out(request);
  if (target == Target::kTsna2) {
    out += '\n';
  }
  return out;
}

asio::awaitable<StepResult> open_session(tcp::socket& socket, const Shared& s, std::string& in) {
  auto [ec] = co_await socket.async_connect(s.endpoint, kNoThrow);
  if (ec) {
    co_return connection_failure("connect", ec);
  }
  std::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (s.options.mode != Mode::kLogins) {
    // The load loop writes with write_some and must get would_block, not a wait. A login
    // connection makes asynchronous calls only (Asio made the descriptor non-blocking for
    // the connect already): one ioctl per login fewer.
    socket.non_blocking(true, ignored);
  }
  in.clear();
  if (s.options.target == Target::kRedis) {
    co_return std::nullopt;
  }
  if (auto f = co_await read_greeting(socket, in)) {
    co_return f;
  }
  if (s.options.target == Target::kClassic) {
    co_return std::nullopt;
  }
  if (auto f = co_await send_request(socket, s, kHelloTsna2)) {
    co_return f;
  }
  std::string reply;
  if (auto f = co_await read_tsna2_reply(socket, in, reply, "hello")) {
    co_return f;
  }
  if (reply != tsna2_accepted_reply()) {
    co_return refused("hello", reply);
  }
  co_return std::nullopt;
}

asio::awaitable<StepResult> register_user(tcp::socket& socket, const Shared& s, std::string& in,
                                          const std::string& name) {
  if (auto f = co_await send_request(socket, s, "register " + name + " " + s.hash)) {
    co_return f;
  }
  std::string reply;
  if (auto f = co_await read_reply(socket, s, in, reply, "register")) {
    co_return f;
  }
  std::string_view text(reply);
  if (s.options.target == Target::kTsna2 && text.ends_with('\n')) {
    text.remove_suffix(1);
  }
  const bool exists =
      is_last_line_with(text, Code::kFail) && text.substr(kReplyHeadBytes) == kUserExists;
  if (!is_last_line_with(text, Code::kOk) && !exists) {
    co_return refused("register " + name, reply);
  }
  co_return std::nullopt;
}

asio::awaitable<StepResult> log_in(tcp::socket& socket, const Shared& s, std::string& in,
                                   const std::string& name) {
  if (s.options.target == Target::kClassic) {
    return login_classic(socket, s, in, name);
  }
  return login_tsna2(socket, s, in, name);
}

void close_now(tcp::socket& socket) {
  std::error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

}  // namespace tsna::bench
