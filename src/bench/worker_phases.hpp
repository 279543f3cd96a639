// worker_phases.hpp - the measured window as each worker sees it, on the worker's own thread:
// the gate opens, the warmup ends and measuring begins, the end timer stops everything.
// Internal to bench/; no I/O of its own beyond cancelling the worker's sockets.
#pragma once

#include "bench/run_state.hpp"

namespace tsna::bench {

// Opens w's gate and arms its timers: measuring from start + warmup, stopping at the end of
// the measured seconds. Call on w's thread, once, after setup.
void start_worker(Worker& w, const Shared& s, SteadyClock::time_point start);

}  // namespace tsna::bench
