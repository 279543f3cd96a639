// runner.hpp - runs one tsna-bench measurement against a live server: sets up users and
// connections, drives the load on `threads` event loops, and collects a BenchResult. The only
// entry to the run (its parts are internal); knows the server only by its wire protocol.
#pragma once

#include "bench/options.hpp"
#include "bench/report.hpp"

namespace tsna::bench {

// Blocks for the whole run: at most setup_timeout per setup phase plus warmup + seconds and a
// few seconds to wind down. `options` must have passed validate(). Failures of the server
// (refused connections, error replies, timeouts) end up in the result, never in an exception;
// throws std::runtime_error only when the host cannot be resolved.
BenchResult run_bench(const BenchOptions& options);

}  // namespace tsna::bench
