// line_editor.hpp - the interactive command source (SPEC 5.4): libedit line editing, history
// kept in ~/.tsna_history (or $TSNA_HISTORY) without lines that may hold a password, and tab
// completion of the commands valid in the current state. The header does not include libedit.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "client/input.hpp"

namespace tsna::client {

class LineEditor final : public CommandSource {
 public:
  // Loads `history_file` if it exists; an empty path keeps history in memory only.
  explicit LineEditor(std::filesystem::path history_file);
  ~LineEditor() override;
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  LineStatus next(std::string_view prompt, CompletionState state, std::string& line) override;
  // Adds the line to the history and saves it (mode 0600), unless may_enter_history refuses.
  void remember(std::string_view line) override;

  // $TSNA_HISTORY if set, else $HOME/.tsna_history; empty when neither can be had.
  static std::filesystem::path default_history_path();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tsna::client
