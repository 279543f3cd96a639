// program.hpp - the whole client program after option parsing (SPEC 5): which mode (the seed's
// flow, a direct start with an address, a script), connecting, the sessions, and the exit
// status they add up to. The line editing and the command loop are line_editor / session's.
#pragma once

#include "client/options.hpp"

namespace tsna::client {

inline constexpr int kExitOk = 0;       // every reply was 200
inline constexpr int kExitFailure = 1;  // some reply was 400 (or the --user login failed)
// Wrong arguments, no connection, lost connection, or a server that could not prove it holds
// the user's verifier (SPEC 1.2).
inline constexpr int kExitUsage = 2;

// Runs the client; main.cpp only parses the command line. Installs signal handlers and sets
// the character-type locale.
int run_client(const ClientOptions& options);

}  // namespace tsna::client
