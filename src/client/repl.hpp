// repl.hpp - the whole client program after option parsing (SPEC 5): the seed's flow (banner,
// host prompt, sessions, goodbye), a direct start with an address, and scripts. Returns the
// exit status.
#pragma once

#include "client/options.hpp"

namespace tsna::client {

inline constexpr int kExitOk = 0;       // every reply was 200
inline constexpr int kExitFailure = 1;  // some reply was 400 (or the --user login failed)
inline constexpr int kExitUsage = 2;    // wrong arguments, no connection, lost connection

// Runs the client; main.cpp only parses the command line. Installs signal handlers and sets
// the character-type locale.
int run_client(const ClientOptions& options);

}  // namespace tsna::client
