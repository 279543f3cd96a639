// input.hpp - where commands come from: the line editor (interactive), `-c` arguments, or
// lines of stdin (scripts, SPEC 5.5). The session loop only sees CommandSource. No network.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "client/completion.hpp"

namespace tsna::client {

enum class LineStatus {
  kLine,         // `line` holds the next command (no line end)
  kEof,          // no more input (Ctrl-D at a prompt, end of a script)
  kInterrupted,  // a stop signal (Ctrl-C) arrived
};

class CommandSource {
 public:
  virtual ~CommandSource() = default;
  // `prompt` and `state` matter only to an interactive source.
  virtual LineStatus next(std::string_view prompt, CompletionState state, std::string& line) = 0;
  // Offers a line for the history (interactive sources keep those may_enter_history allows).
  virtual void remember(std::string_view /*line*/) {}
};

// The `-c` commands, in order.
class ListSource final : public CommandSource {
 public:
  explicit ListSource(std::vector<std::string> lines) : lines_(std::move(lines)) {}
  LineStatus next(std::string_view prompt, CompletionState state, std::string& line) override;

 private:
  std::vector<std::string> lines_;
  std::size_t next_ = 0;
};

// Lines read from a file descriptor (stdin in scripts); '\r' before '\n' dropped, a last line
// without '\n' still counts.
class FdLineSource final : public CommandSource {
 public:
  explicit FdLineSource(int fd) : fd_(fd) {}
  LineStatus next(std::string_view prompt, CompletionState state, std::string& line) override;

 private:
  int fd_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace tsna::client
