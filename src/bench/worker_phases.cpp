// worker_phases.cpp - gate, warmup and end timers; the stop cancels every socket so that each
// loop returns and the last one tells the main thread.
#include "bench/worker_phases.hpp"

namespace tsna::bench {
namespace {

void begin_measuring(Worker& w, Mode mode) {
  w.measuring = true;
  w.measure_begin = SteadyClock::now();
  w.counters.commands = 0;
  w.counters.replies_400 = 0;
  if (mode == Mode::kLogins) {
    w.counters.logins = 0;
  }
  w.counters.latency.reset();
}

void stop_worker(Worker& w) {
  if (w.measuring) {
    w.measure_end = SteadyClock::now();
  }
  w.measuring = false;
  w.stopping = true;
  std::error_code ignored;
  w.gate.cancel();
  for (auto& c : w.active) {
    if (c->ready) {
      c->socket.cancel(ignored);
    }
  }
  for (tcp::socket* socket : w.lane_sockets) {
    if (socket != nullptr) {
      socket->cancel(ignored);
    }
  }
  if (w.running == 0) {
    w.finished->done();
  }
}

}  // namespace

void start_worker(Worker& w, const Shared& s, SteadyClock::time_point start) {
  w.started = true;
  w.gate.cancel();
  const auto warmup_end = start + to_duration(s.options.warmup);
  const auto end = warmup_end + to_duration(s.options.seconds);
  if (s.options.warmup <= 0) {
    begin_measuring(w, s.options.mode);
  } else {
    w.warmup_timer.expires_at(warmup_end);
    w.warmup_timer.async_wait([&w, mode = s.options.mode](const std::error_code& ec) {
      if (!ec && !w.stopping) {
        begin_measuring(w, mode);
      }
    });
  }
  w.end_timer.expires_at(end);
  w.end_timer.async_wait([&w](const std::error_code&) { stop_worker(w); });
}

}  // namespace tsna::bench
