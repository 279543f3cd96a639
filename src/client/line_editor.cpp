// line_editor.cpp - libedit (editline + history) behind CommandSource. Signals stay ours
// (EL_SIGNAL off) and libedit reads keys through our reader, so Ctrl-C ends el_gets through
// client/signals.hpp.
#include "client/line_editor.hpp"

#include <fcntl.h>
#include <histedit.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cwchar>

#include "client/command_plan.hpp"
#include "client/signals.hpp"

namespace tsna::client {

namespace {
constexpr int kHistorySize = 1000;
}  // namespace

struct LineEditor::Impl {
  EditLine* el = nullptr;
  History* history = nullptr;
  std::filesystem::path history_file;
  std::string prompt;
  CompletionState state = CompletionState::kLoggedOut;
  std::mbstate_t decode_state{};

  static Impl* from(EditLine* el) {
    void* data = nullptr;
    el_get(el, EL_CLIENTDATA, &data);
    return static_cast<Impl*>(data);
  }

  static char* prompt_of(EditLine* el) { return from(el)->prompt.data(); }

  // Tab: completes the first word (the command) from the commands valid now.
  static unsigned char complete(EditLine* el, int /*ch*/) {
    Impl* self = from(el);
    const LineInfo* li = el_line(el);
    const std::string_view before(li->buffer, static_cast<std::size_t>(li->cursor - li->buffer));
    const std::size_t start = before.find_first_not_of(" \t");
    const std::string_view word =
        start == std::string_view::npos ? std::string_view{} : before.substr(start);
    if (word.find_first_of(" \t") != std::string_view::npos) {
      return CC_ERROR;  // past the command: arguments are not completed
    }
    const Completion c = complete_command(word, self->state);
    if (c.matches.empty()) {
      return CC_ERROR;
    }
    if (!c.insert.empty()) {
      el_insertstr(el, c.insert.c_str());
      return CC_REFRESH;
    }
    std::string list = "\n";
    for (std::string_view m : c.matches) {
      list.append(m).append("  ");
    }
    list.push_back('\n');
    std::fputs(list.c_str(), stdout);
    std::fflush(stdout);
    return CC_REDISPLAY;
  }

  // libedit's character reader, replaced so that the wait for a key goes through wait_ready():
  // a stop signal then ends el_gets at once instead of waiting for the next key. Decodes the
  // locale's multibyte characters as libedit's own reader does. Returns 1 with a character, 0
  // at end of input, -1 on a stop signal or an error.
  static int read_char(EditLine* el, wchar_t* out) {
    Impl* self = from(el);
    for (;;) {
      pollfd p{STDIN_FILENO, POLLIN, 0};
      if (wait_ready(&p, 1, -1) < 0) {
        if (pending_stop_signal() != 0) {
          *out = L'\0';
          return -1;
        }
        continue;
      }
      char c = 0;
      const ssize_t n = ::read(STDIN_FILENO, &c, 1);
      if (n == 0) {
        return 0;
      }
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) {
          continue;
        }
        return -1;
      }
      wchar_t wc = 0;
      const std::size_t used = std::mbrtowc(&wc, &c, 1, &self->decode_state);
      if (used == static_cast<std::size_t>(-2)) {
        continue;  // the rest of a multibyte character is coming
      }
      if (used == static_cast<std::size_t>(-1)) {
        self->decode_state = std::mbstate_t{};
        wc = static_cast<unsigned char>(c);  // not in the locale's encoding: the byte itself
      }
      *out = wc;
      return 1;
    }
  }

  void save_history() {
    if (history_file.empty()) {
      return;
    }
    // Created 0600 before libedit writes it: the history is the user's alone.
    const int fd = ::open(history_file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return;
    }
    ::fchmod(fd, 0600);
    ::close(fd);
    HistEvent ev;
    ::history(history, &ev, H_SAVE, history_file.c_str());
  }
};

LineEditor::LineEditor(std::filesystem::path history_file) : impl_(std::make_unique<Impl>()) {
  impl_->history_file = std::move(history_file);
  impl_->history = history_init();
  HistEvent ev;
  ::history(impl_->history, &ev, H_SETSIZE, kHistorySize);
  ::history(impl_->history, &ev, H_SETUNIQUE, 1);
  if (!impl_->history_file.empty()) {
    ::history(impl_->history, &ev, H_LOAD, impl_->history_file.c_str());
  }
  impl_->el = el_init("tsna", stdin, stdout, stderr);
  el_set(impl_->el, EL_CLIENTDATA, impl_.get());
  el_set(impl_->el, EL_EDITOR, "emacs");
  el_set(impl_->el, EL_SIGNAL, 0);
  el_set(impl_->el, EL_GETCFN, &Impl::read_char);
  el_set(impl_->el, EL_HIST, history, impl_->history);
  el_set(impl_->el, EL_PROMPT, &Impl::prompt_of);
  // The wide call: the narrow EL_ADDFN copies its two strings and never frees them.
  el_wset(impl_->el, EL_ADDFN, L"tsna-complete", L"Complete a TSNA command", &Impl::complete);
  el_set(impl_->el, EL_BIND, "^I", "tsna-complete", nullptr);
  el_source(impl_->el, nullptr);  // the user's ~/.editrc, as other libedit programs read it
}

LineEditor::~LineEditor() {
  el_end(impl_->el);
  history_end(impl_->history);
}

LineStatus LineEditor::next(std::string_view prompt, CompletionState state, std::string& line) {
  impl_->prompt = std::string(prompt);
  impl_->state = state;
  for (;;) {
    if (pending_stop_signal() != 0) {
      return LineStatus::kInterrupted;
    }
    int count = 0;
    const char* got = el_gets(impl_->el, &count);
    if (pending_stop_signal() != 0) {
      return LineStatus::kInterrupted;
    }
    if (got == nullptr || count <= 0) {
      if (count < 0 && errno == EINTR) {
        continue;  // another signal (SIGWINCH): ask again
      }
      return LineStatus::kEof;
    }
    line.assign(got, static_cast<std::size_t>(count));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
      line.pop_back();
    }
    return LineStatus::kLine;
  }
}

void LineEditor::remember(std::string_view line) {
  if (!may_enter_history(line)) {
    return;
  }
  HistEvent ev;
  const std::string entry(line);
  ::history(impl_->history, &ev, H_ENTER, entry.c_str());
  impl_->save_history();
}

std::filesystem::path LineEditor::default_history_path() {
  if (const char* path = std::getenv("TSNA_HISTORY"); path != nullptr && path[0] != '\0') {
    return path;
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0') {
    return std::filesystem::path(home) / ".tsna_history";
  }
  return {};
}

}  // namespace tsna::client
