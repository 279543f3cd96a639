// number_bench.cpp - the calculator's number parsing and Python-repr printing (SPEC 2.3), the
// per-argument and per-reply work of every arithmetic command. Google Benchmark; no I/O.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "commands/number.hpp"

namespace {

void BM_ParseNumber(benchmark::State& state, std::string_view text) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(tsna::parse_number(text));
  }
}
BENCHMARK_CAPTURE(BM_ParseNumber, small_int, std::string_view("3"));
BENCHMARK_CAPTURE(BM_ParseNumber, decimal, std::string_view("223.4"));
BENCHMARK_CAPTURE(BM_ParseNumber, long_decimal, std::string_view("0.30000000000000004"));
BENCHMARK_CAPTURE(BM_ParseNumber, exponent, std::string_view("1.7976931348623157e+308"));
BENCHMARK_CAPTURE(BM_ParseNumber, invalid, std::string_view("12abc"));

void BM_AppendPythonRepr(benchmark::State& state, double value) {
  std::string out;
  out.reserve(64);
  for (auto _ : state) {
    out.clear();
    tsna::append_python_repr(out, value);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK_CAPTURE(BM_AppendPythonRepr, integral, 6.0);
BENCHMARK_CAPTURE(BM_AppendPythonRepr, shortest_17_digits, 0.30000000000000004);
BENCHMARK_CAPTURE(BM_AppendPythonRepr, exponent_form, 1.2345678901234568e+17);
BENCHMARK_CAPTURE(BM_AppendPythonRepr, subnormal, 5e-324);

}  // namespace
