// reply_head.hpp - reading the head of a reply line (SPEC 1.2, 1.3): three digits, then ':' on
// a reply's last line (every classic reply is one) or '-' on a TSNA/2 continuation line. For
// the programs that read replies (tsna, tsna-bench); reply.hpp writes them. Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "protocol/reply.hpp"

namespace tsna {

inline constexpr std::size_t kReplyHeadBytes = 4;  // "200:" or "200-"

struct ReplyHead {
  int code = 0;       // the three digits: 200, 300 and 400 are the ones a TSNA server sends
  bool last = false;  // ':': the reply ends with this line; '-': more lines follow
};

// The head at the front of `line`, or nullopt when it does not start with one.
constexpr std::optional<ReplyHead> parse_reply_head(std::string_view line) {
  if (line.size() < kReplyHeadBytes || (line[3] != ':' && line[3] != '-')) {
    return std::nullopt;
  }
  int code = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') {
      return std::nullopt;
    }
    code = code * 10 + (line[i] - '0');
  }
  return ReplyHead{code, line[3] == ':'};
}

// True when `line` starts the last line of a reply with `code` ("200:" for Code::kOk).
constexpr bool is_last_line_with(std::string_view line, Code code) {
  const std::optional<ReplyHead> head = parse_reply_head(line);
  return head && head->last && head->code == static_cast<int>(code);
}

}  // namespace tsna
