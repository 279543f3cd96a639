// audit_bench.cpp - what the audit log (SPEC 4.3) costs per message on the event loop:
// formatting one JSON line, and FileAuditLog::record (format, lock, append) with its writer
// thread running, alone and in a read's batch. Google Benchmark; the log goes to /dev/null.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "audit/file_audit_log.hpp"
#include "audit/json_line.hpp"

namespace {

tsna::AuditEvent sample_event() {
  tsna::AuditEvent e;
  e.ts = std::chrono::system_clock::now();
  e.peer = "127.0.0.1:49117";
  e.user = std::string_view("bench-1234-17");
  e.dialect = tsna::Dialect::kTsna2;
  e.cmd = "sum 1 2 3";
  e.code = 200;
  return e;
}

void BM_AuditJsonLine(benchmark::State& state) {
  const tsna::AuditEvent e = sample_event();
  std::string out;
  out.reserve(512);
  for (auto _ : state) {
    out.clear();
    tsna::append_json_line(out, e, 512);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_AuditJsonLine);

// The whole record() call, from `state.threads()` threads into one log (the event loops share
// one FileAuditLog, so its mutex is shared between them). The writer thread writes to
// /dev/null, so the figure is the event loop's share without the disk's.
void BM_FileAuditLogRecord(benchmark::State& state) {
  static tsna::FileAuditLog* log = nullptr;
  if (state.thread_index() == 0) {
    log = new tsna::FileAuditLog("/dev/null");
  }
  const tsna::AuditEvent e = sample_event();
  for (auto _ : state) {  // threads start this loop together, after thread 0 made the log
    log->record(e);
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    delete log;
  }
}
BENCHMARK(BM_FileAuditLogRecord)->Threads(1)->Threads(2)->UseRealTime();

// As the event loop records: the 16 commands of one pipelined read from one logged-in session,
// in one batch (one lock), with an identity, so that the timestamp, peer, user and dialect are
// formatted once per millisecond and identity. Per record.
void BM_FileAuditLogBatchOf16(benchmark::State& state) {
  tsna::FileAuditLog log("/dev/null");
  tsna::AuditEvent e = sample_event();
  e.identity = tsna::next_audit_identity();
  for (auto _ : state) {
    const tsna::AuditBatch batch(log);
    for (int i = 0; i < 16; ++i) {
      log.record(e);
    }
  }
  state.SetItemsProcessed(state.iterations() * 16);
}
BENCHMARK(BM_FileAuditLogBatchOf16);

}  // namespace
