// session_bench.cpp - one logged-in TSNA/2 Session fed requests as the server feeds it reads:
// the whole user-space cost of a command (framing, dispatch, reply, audit record) without
// sockets, with the audit log discarded or written by a FileAuditLog to /dev/null.
#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "audit/file_audit_log.hpp"
#include "auth/login_throttle.hpp"
#include "auth/ntlm.hpp"
#include "auth/openssl_random.hpp"
#include "auth/scram_client.hpp"
#include "session/session.hpp"
#include "session/store_work.hpp"
#include "support/memory_user_store.hpp"
#include "support/null_audit_sink.hpp"

namespace {

struct LoggedInSession {
  explicit LoggedInSession(tsna::AuditSink& sink) : throttle(tsna::Limits{}, clock) {
    const std::string hash = tsna::auth::ntlm_hash("pw");
    users.add("bob", tsna::auth::derive_verifier(hash, std::vector<std::uint8_t>(16, 1), 4096));
    ctx.decoy_secret = users.decoy_secret();
    ctx.random = &random;
    ctx.audit = &sink;
    ctx.clock = &clock;
    session = std::make_unique<tsna::Session>(ctx, "127.0.0.1:40000");
    session->start();
    session->output().clear();  // the greeting, as if written; classic waits for that
    tsna::auth::ScramClient client(tsna::auth::ScramMechanism::kSha256, "bob", hash);
    session->on_read("hello TSNA/2\nauth SCRAM-SHA-256 " + client.first() + "\n", false);
    if (session->want() != tsna::Want::kStore) {
      throw std::runtime_error("no verifier lookup");
    }
    std::string error;
    const tsna::StoreWorkContext work{&users, &throttle, &random, 4096};
    session->on_store_done(tsna::carry_out(session->store_request(), work, error));
    const std::string out = session->output();
    const std::size_t at = out.find("300:");
    std::string client_final;
    if (at == std::string::npos ||
        client.step(out.substr(at + 4, out.size() - at - 5), client_final) !=
            tsna::auth::ScramClientStep::kContinue) {
      throw std::runtime_error("no server-first in " + out);
    }
    session->output().clear();
    session->on_read(client_final + "\n", false);
    while (session->want() == tsna::Want::kStore) {  // the success is recorded, then answered
      session->on_store_done(tsna::carry_out(session->store_request(), work, error));
    }
    if (!session->output().ends_with("200:login is successful\n")) {
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
