// shell_command.hpp - runs a command line through /bin/sh for tests and returns its exit status
// and its output (stdout, with stderr too when the command says 2>&1). Header-only; depends on
// nothing of TSNA.
#pragma once

#include <stdio.h>
#include <sys/wait.h>

#include <string>

namespace tsna::testing {

struct CommandResult {
  int status;  // the exit status; -1 when the command did not exit normally
  std::string output;
};

inline CommandResult run_shell(const std::string& command) {
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) {
    return {-1, ""};
  }
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
    out.append(buf, n);
  }
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// `text` quoted for the shell.
inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

}  // namespace tsna::testing
