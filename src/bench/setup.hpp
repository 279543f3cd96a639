// setup.hpp - what a tsna-bench run prepares before any thread starts: the server's endpoint,
// the users' names and hash, the requests framed for the wire, and enough file descriptors.
// Internal to bench/.
#pragma once

#include "bench/options.hpp"
#include "bench/run_state.hpp"

namespace tsna::bench {

// Everything the workers will read. Throws std::runtime_error when the host cannot be resolved.
Shared prepare_run(const BenchOptions& options);

// Raises the open-file limit for every socket of the run; warns on stderr when it stays short.
void raise_file_limit_for(const BenchOptions& options);

}  // namespace tsna::bench
