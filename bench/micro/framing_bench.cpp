// framing_bench.cpp - TSNA/2 line framing (tsna::LineDecoder) over one read holding pipelined
// requests, and over a line that arrives in pieces. Google Benchmark; no I/O.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "protocol/framing.hpp"

namespace {

// One read holding `state.range(0)` pipelined "sum 1 2 3\n" requests, decoded to the end.
void BM_LineDecoderPipelinedRead(benchmark::State& state) {
  std::string read;
  for (int i = 0; i < state.range(0); ++i) {
    read += "sum 1 2 3\n";
  }
  tsna::LineDecoder decoder(4096);
  std::size_t lines = 0;
  for (auto _ : state) {
    std::string_view input = read;
    std::string_view message;
    while (decoder.next(input, message) == tsna::FrameResult::kMessage) {
      benchmark::DoNotOptimize(message.data());
      ++lines;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(lines));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * read.size()));
}
BENCHMARK(BM_LineDecoderPipelinedRead)->Arg(1)->Arg(16)->Arg(256);

// A 100-byte line delivered in 10-byte reads: the decoder must keep the partial line.
void BM_LineDecoderLineInPieces(benchmark::State& state) {
  const std::string line = "multiply " + std::string(90, '1') + "\n";
  tsna::LineDecoder decoder(4096);
  for (auto _ : state) {
    for (std::size_t at = 0; at < line.size(); at += 10) {
      std::string_view input = std::string_view(line).substr(at, 10);
      std::string_view message;
      while (decoder.next(input, message) == tsna::FrameResult::kMessage) {
        benchmark::DoNotOptimize(message.data());
      }
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LineDecoderLineInPieces);

}  // namespace
