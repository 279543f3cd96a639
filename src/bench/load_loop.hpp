// load_loop.hpp - the hot loop of the commands mode: one coroutine per active connection keeps
// `depth` requests in flight (or sends them in batches, Pattern::kBatch) until the worker stops.
// Allocates nothing per request; internal to bench/, and knows the server only by the replies
// reply_scanner.hpp counts.
#pragma once

#include <asio/awaitable.hpp>

#include "bench/run_state.hpp"

namespace tsna::bench {

// Waits at the worker's gate, then sends and counts until w.stopping; ends with loop_ended().
asio::awaitable<void> drive(Worker& w, const Shared& s, ActiveConnection& c);

}  // namespace tsna::bench
