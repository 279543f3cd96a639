// child_process.hpp - starting and ending the real programs the tests run (tsna-server,
// haproxy): fork and exec, the child killed with the test process (PR_SET_PDEATHSIG), its output
// to a pipe or a file; SIGTERM, then SIGKILL once a grace period has passed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace tsna::testing {

// Starts `args` (args[0]: the program's path). Its stdout goes to `stdout_fd` when that is >= 0,
// else to `log`; its stderr to `log` (appended, created with mode 0600). Throws
// std::runtime_error when fork fails; an exec that fails exits the child with status 127.
pid_t spawn_child(std::vector<std::string> args, int stdout_fd, const std::filesystem::path& log);

// SIGTERM, then SIGKILL when the child has not exited within `grace`; reaps it. Returns its exit
// status, or 128 + the signal that ended it.
int end_child(pid_t pid, std::chrono::milliseconds grace);

}  // namespace tsna::testing
