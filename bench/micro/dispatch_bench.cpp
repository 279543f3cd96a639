// dispatch_bench.cpp - the command table (tsna::dispatch) and reply encoding for the commands a
// benchmark sends, logged in over TSNA/2: the pure per-command work of the server, minus I/O
// and the audit log. Google Benchmark.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "commands/command.hpp"
#include "protocol/reply.hpp"

namespace {

void BM_Dispatch(benchmark::State& state, std::string_view line) {
  tsna::CommandContext ctx;
  ctx.dialect = tsna::Dialect::kTsna2;
  ctx.user = std::string_view("bench-1-0");
  std::string scratch;
  for (auto _ : state) {
    const tsna::Outcome o = tsna::dispatch(line, ctx, scratch);
    benchmark::DoNotOptimize(o.text.data());
  }
}
BENCHMARK_CAPTURE(BM_Dispatch, sum_1_2_3, std::string_view("sum 1 2 3"));
BENCHMARK_CAPTURE(BM_Dispatch, multiply_decimals, std::string_view("multiply 223.4 5.3"));
BENCHMARK_CAPTURE(BM_Dispatch, divide_by_zero, std::string_view("divide 1 0"));
BENCHMARK_CAPTURE(BM_Dispatch, help, std::string_view("help"));
BENCHMARK_CAPTURE(BM_Dispatch, unknown, std::string_view("frobnicate"));

// dispatch plus the TSNA/2 encoding of its reply into an output buffer, as the session does.
void BM_DispatchAndEncode(benchmark::State& state, std::string_view line) {
  tsna::CommandContext ctx;
  ctx.dialect = tsna::Dialect::kTsna2;
  ctx.user = std::string_view("bench-1-0");
  std::string scratch;
  std::string out;
  out.reserve(4096);
  for (auto _ : state) {
    out.clear();
    const tsna::Outcome o = tsna::dispatch(line, ctx, scratch);
    tsna::append_reply(out, tsna::Dialect::kTsna2, o.ok ? tsna::Code::kOk : tsna::Code::kFail,
                       o.text);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK_CAPTURE(BM_DispatchAndEncode, sum_1_2_3, std::string_view("sum 1 2 3"));
BENCHMARK_CAPTURE(BM_DispatchAndEncode, help, std::string_view("help"));

}  // namespace
