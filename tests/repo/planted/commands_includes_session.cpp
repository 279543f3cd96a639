// commands_includes_session.cpp - a planted file that is never built: the wall test compiles it
// with tsna_commands' include directories and expects "session/session.hpp" not to be found.
#include "commands/calculator.hpp"
#include "common/utf8.hpp"
#include "session/session.hpp"
