// lanes.hpp - the coroutines of each setup phase (register the users, set up the active
// connections, open the idle ones), how they are spread over the workers, and the login
// workers of the logins mode. Internal to bench/.
#pragma once

#include <vector>

#include "bench/run_state.hpp"
#include "bench/worker_pool.hpp"

namespace tsna::bench {

// Setup runs this many connections at once per thread: enough to hide round trips, few enough
// not to overflow the server's listen backlog.
inline constexpr std::size_t kSetupLanesPerThread = 64;
inline constexpr std::size_t kRegisterLanes = 16;  // registrations are durable commits, serialised

// Users 0 .. s.users-1, each registered on a connection of its own, by kRegisterLanes lanes.
std::vector<Lane> register_lanes(const Shared& s, std::size_t workers);
// Every active connection: connect, greeting, hello, login; each then starts its hot loop,
// which waits at its worker's gate.
std::vector<Lane> connect_lanes(WorkerPool& pool, const Shared& s);
// The --idle connections (connect, greeting, hello), spread evenly over the workers.
std::vector<Lane> idle_lanes(WorkerPool& pool, const Shared& s);

// Logins mode: s.options.concurrency workers that loop connect, greeting, hello, login, answer,
// close until the run ends; each waits for its worker's gate first.
void start_login_workers(WorkerPool& pool, const Shared& s);

}  // namespace tsna::bench
