// signals.hpp - the client's signal policy: SIGPIPE ignored (a closed connection is an error
// value, not a death); SIGINT, SIGTERM and SIGHUP set a flag and are otherwise blocked, so they
// arrive only inside wait_ready() (ppoll with them unblocked). A stop request therefore cannot
// slip in between checking the flag and starting to wait: every prompt and every wait for the
// server ends promptly and cleanly, restoring the terminal. Depends on nothing but POSIX.
#pragma once

#include <poll.h>

namespace tsna::client {

// Installs the handlers and blocks the stop signals; call once at start, before any prompt.
void install_signal_handlers();

// The signal that asked the program to stop, or 0.
int pending_stop_signal();

// poll() for the client's blocking waits: returns -1 with errno EINTR as soon as a stop signal
// is pending (also one that came before the call); `timeout_ms` < 0 waits without limit.
int wait_ready(pollfd* fds, nfds_t count, int timeout_ms);

}  // namespace tsna::client
