// signals.cpp - async-signal-safe flag setting with sigaction; stop signals blocked except
// inside ppoll (the race-free way to wait for "input or a signal").
#include "client/signals.hpp"

#include <signal.h>

#include <cerrno>
#include <ctime>
#include <initializer_list>

namespace tsna::client {
namespace {

volatile sig_atomic_t g_stop_signal = 0;
bool g_installed = false;
sigset_t g_wait_mask;  // the mask during ppoll: the original one, stop signals unblocked

extern "C" void on_stop_signal(int sig) {
  g_stop_signal = sig;
}

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

}  // namespace

void install_signal_handlers() {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, nullptr);

  struct sigaction stop {};
  stop.sa_handler = on_stop_signal;
  sigemptyset(&stop.sa_mask);
  stop.sa_flags = 0;  // no SA_RESTART: an interrupted wait returns EINTR
  sigset_t block;
  sigemptyset(&block);
  for (int sig : kStopSignals) {
    sigaction(sig, &stop, nullptr);
    sigaddset(&block, sig);
  }
  sigprocmask(SIG_BLOCK, &block, &g_wait_mask);
  for (int sig : kStopSignals) {
    sigdelset(&g_wait_mask, sig);
  }
  g_installed = true;
}

int pending_stop_signal() {
  return g_stop_signal;
}

int wait_ready(pollfd* fds, nfds_t count, int timeout_ms) {
  if (g_stop_signal != 0) {
    errno = EINTR;
    return -1;
  }
  if (!g_installed) {
    return ::poll(fds, count, timeout_ms);  // library use without the program's handlers
  }
  timespec ts{timeout_ms / 1000, static_cast<long>(timeout_ms % 1000) * 1000000L};
  return ::ppoll(fds, count, timeout_ms < 0 ? nullptr : &ts, &g_wait_mask);
}

}  // namespace tsna::client
