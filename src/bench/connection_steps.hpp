// connection_steps.hpp - the wire protocol of one tsna-bench connection outside the hot loop:
// connect, greeting, hello, register and both logins, each a coroutine that reports a Failure.
// Knows the server only through protocol/ (its wire constants) and auth/ (SCRAM by GNU SASL),
// never its code.
#pragma once

#include <asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "bench/run_state.hpp"

namespace tsna::bench {

// A request of `target` as sent: a TSNA/2 request is a line; classic and Redis take it as given.
std::string frame_request(Target target, std::string_view request);

// Connects and, for tsna-server, reads the greeting and (TSNA/2) upgrades with hello. For
// Redis, only connects. `in` is the connection's read buffer, cleared first.
asio::awaitable<StepResult> open_session(tcp::socket& socket, const Shared& s, std::string& in);

// register NAME HASH; a name that exists already (a rerun) is fine: we log in anyway.
asio::awaitable<StepResult> register_user(tcp::socket& socket, const Shared& s, std::string& in,
                                          const std::string& name);

// The login of s.options.target: TSNA/2 SCRAM-SHA-256 (the salted password cached in
// s.salted_passwords, the server's signature checked), or classic raw challenge and answer.
asio::awaitable<StepResult> log_in(tcp::socket& socket, const Shared& s, std::string& in,
                                   const std::string& name);

// An abortive close (RST): no TIME_WAIT, so a login-rate run cannot run out of ports.
void close_now(tcp::socket& socket);

}  // namespace tsna::bench
