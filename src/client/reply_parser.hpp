// reply_parser.hpp - the client's view of a server reply (SPEC 1.1-1.3): parsing the classic
// "<code>:<text>" and assembling TSNA/2's FTP-style lines, and the text shown to the user.
// Pure: no sockets, no terminal.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocol/reply.hpp"

namespace tsna::client {

struct Reply {
  int code = 0;      // 200, 300 or 400 (SPEC 1.3)
  std::string text;  // the classic text: a TSNA/2 multi-line reply's lines joined with '\n'

  bool ok() const { return code == static_cast<int>(Code::kOk); }
  bool is_challenge() const { return code == static_cast<int>(Code::kChallenge); }
};

// "<code>:<text>", the way the seed showed a reply and the way scripts get it (SPEC 5.1, 5.5).
std::string format_reply(const Reply& reply);

// One classic read: three ASCII digits, ':', then the text (no terminator; newlines kept).
// nullopt for anything else.
std::optional<Reply> parse_classic_reply(std::string_view bytes);

// Collects one TSNA/2 reply from its lines: "<code>-<text>" continues, "<code>:<text>" ends
// it. Every line must carry the first line's code.
class ReplyAssembler {
 public:
  enum class Step {
    kNeedMore,  // a continuation line: feed the next one
    kDone,      // the last line came: take() the reply
    kError,     // not a reply line; the assembler must be reset() before reuse
  };

  // `line` without its '\n' (a '\r' before it is dropped here).
  Step add_line(std::string_view line);
  // The assembled reply; resets the assembler.
  Reply take();
  void reset();

 private:
  Reply reply_;
  bool started_ = false;
};

// The text with every control character except tab and newline (and DEL) shown as '?', so that
// a server cannot drive the user's terminal with escape sequences.
std::string terminal_safe(std::string_view text);

}  // namespace tsna::client
