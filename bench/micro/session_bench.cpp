// session_bench.cpp - one logged-in TSNA/2 Session fed requests as the server feeds it reads:
// the whole user-space cost of a command (framing, dispatch, reply, audit record) without
// sockets, with the audit log discarded or written by a FileAuditLog to /dev/null.
#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>

#include "audit/file_audit_log.hpp"
#include "auth/hex.hpp"
#include "auth/login_throttle.hpp"
#include "auth/ntlm.hpp"
#include "auth/openssl_random.hpp"
#include "session/session.hpp"
#include "support/memory_user_store.hpp"
#include "support/null_audit_sink.hpp"

namespace {

struct LoggedInSession {
  explicit LoggedInSession(tsna::AuditSink& sink) : throttle(tsna::Limits{}, clock) {
    const std::string hash = tsna::auth::ntlm_hash("pw");
    users.add("bob", hash);
    ctx.users = &users;
    ctx.throttle = &throttle;
    ctx.random = &random;
    ctx.audit = &sink;
    ctx.clock = &clock;
    session = std::make_unique<tsna::Session>(ctx, "127.0.0.1:40000");
    session->start();
    session->output().clear();  // the greeting, as if written; classic waits for that
    session->on_read("hello TSNA/2\nlogin bob\n", false);
    if (session->want() != tsna::Want::kRead) {
      throw std::runtime_error("session not reading");
    }
    const std::string out = session->output();
    const std::size_t at = out.find("300:");
    std::array<std::uint8_t, 16> challenge{};
    if (at == std::string::npos || !tsna::auth::from_hex(out.substr(at + 4, 32), challenge)) {
      throw std::runtime_error("no challenge in " + out);
    }
    std::array<std::uint8_t, 16> nonce{};
    const auto mac = tsna::auth::tsna2_mac(hash, challenge, nonce, "bob");
    session->output().clear();
    session->on_read(tsna::auth::to_hex(nonce) + " " + tsna::auth::to_hex(mac) + "\n", false);
    if (session->output() != "200:login is successful\n") {
      throw std::runtime_error("login failed: " + session->output());
    }
    session->output().clear();
  }

  tsna::SystemClock clock;
  tsna::MemoryUserStore users;
  tsna::auth::LoginThrottle throttle;
  tsna::auth::OpenSslRandom random;
  tsna::SessionContext ctx;
  std::unique_ptr<tsna::Session> session;
};

// `state.range(0)` pipelined "sum 1 2 3" requests per read; items = commands.
void run(benchmark::State& state, tsna::AuditSink& sink) {
  LoggedInSession s(sink);
  std::string read;
  for (int i = 0; i < state.range(0); ++i) {
    read += "sum 1 2 3\n";
  }
  for (auto _ : state) {
    s.session->on_read(read, false);
    benchmark::DoNotOptimize(s.session->output().data());
    s.session->output().clear();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_SessionSumNoAudit(benchmark::State& state) {
  tsna::NullAuditSink sink;
  run(state, sink);
}
BENCHMARK(BM_SessionSumNoAudit)->Arg(1)->Arg(16);

void BM_SessionSumFileAudit(benchmark::State& state) {
  tsna::FileAuditLog sink("/dev/null");
  run(state, sink);
}
BENCHMARK(BM_SessionSumFileAudit)->Arg(1)->Arg(16);

}  // namespace
