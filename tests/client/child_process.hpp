// child_process.hpp - runs the real `tsna` binary for tests: through pipes (scripts, SPEC 5.5)
// or on a pseudo-terminal (the interactive client, SPEC 5.1-5.4), with a clean environment and
// every wait bounded. Test support only; depends on nothing of the client.
#pragma once

#include <sys/types.h>
#include <termios.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "support/test_client.hpp"  // unused_port()

namespace tsna::testing {

// PATH, HOME, TERM=dumb and LANG=C.UTF-8, with `extra` added or replacing; nothing else from
// the test's own environment (so a TSNA_PASSWORD set by whoever runs the tests has no effect).
using Environment = std::map<std::string, std::string>;
Environment client_environment(const Environment& extra);

struct PipeResult {
  std::string out;
  std::string err;
  int status = -1;  // exit status, 128+signal when killed; -1 when it had to be killed
  std::chrono::milliseconds elapsed{0};
};

// Runs `tsna args...` with `input` on its stdin (then closed), collecting stdout and stderr.
// The child is killed after `limit`.
PipeResult run_client_with_pipes(const std::vector<std::string>& args, std::string_view input,
                                 const Environment& env,
                                 std::chrono::milliseconds limit = std::chrono::seconds(20));

// `tsna args...` on a pseudo-terminal (100 columns): the test types, reads the screen, and
// can inspect the terminal's modes as the client left them.
class PtyProcess {
 public:
  PtyProcess(const std::vector<std::string>& args, const Environment& env);
  ~PtyProcess();  // kills the child if it still runs
  PtyProcess(const PtyProcess&) = delete;
  PtyProcess& operator=(const PtyProcess&) = delete;

  // Types `keys` (use "\r" for Enter, "\x03" for Ctrl-C, "\x04" for Ctrl-D) once the client
  // reads keys with echo off, as it does at each prompt (the line editor's raw mode, or the
  // password prompt): keys typed a moment earlier would be echoed twice, by the terminal and
  // then by the editor. Waits at most 5 s for that.
  void type(std::string_view keys);
  // Types at once, whatever the terminal's mode (Ctrl-C while the client waits for a reply).
  void type_now(std::string_view keys);
  // Reads until `text` appears after the previous match; true when it did within `limit`.
  bool expect(std::string_view text, std::chrono::milliseconds limit = std::chrono::seconds(10));
  // Waits for the child to exit; its status (128+signal when killed), or -1 after `limit`.
  int wait_exit(std::chrono::milliseconds limit = std::chrono::seconds(10));
  // Everything shown so far without carriage returns (the terminal's "\r\n" becomes "\n";
  // a line the editor redraws after "\r" follows what it redraws).
  std::string screen() const;
  // The terminal's current modes (those the client set while it waits at a prompt).
  termios modes() const;

 private:
  // Appends what the terminal has within `wait` to output_; false when nothing came.
  bool pump(std::chrono::milliseconds wait);

  pid_t pid_ = -1;
  int master_ = -1;
  int slave_ = -1;  // kept open so the modes can be read and output never ends in EIO
  std::string output_;
  std::size_t matched_ = 0;
  int status_ = -1;
};

}  // namespace tsna::testing
