// console.hpp - where the client's own lines go: stdout for what the user asked to see
// (replies, prompts' companions, progress), stderr for errors, "tsna: "-prefixed in scripts.
// Every line is flushed at once so that prompts and replies interleave as typed. No network.
#pragma once

#include <string_view>

namespace tsna::client {

class Console {
 public:
  explicit Console(bool interactive) : interactive_(interactive) {}

  bool interactive() const { return interactive_; }
  // One line on stdout.
  void line(std::string_view text) const;
  // One line on stderr; in scripts prefixed "tsna: ".
  void error(std::string_view text) const;
  // Ends a line the terminal left open (after Ctrl-C or Ctrl-D at a prompt).
  void end_open_line() const;

 private:
  bool interactive_;
};

}  // namespace tsna::client
