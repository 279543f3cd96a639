// commands_includes_its_own.cpp - a planted file that is never built: the wall test compiles it
// with tsna_commands' include directories and expects it to compile (commands may see common).
#include "commands/calculator.hpp"
#include "commands/command.hpp"
#include "common/utf8.hpp"
#include "common/version.hpp"
