// reply_scanner.hpp - counts complete replies in a byte stream for each server tsna-bench can
// drive (TSNA/2 lines, classic reads, Redis inline replies); a TSNA/2 line's head is read by
// protocol/reply_head.hpp. Pure: no sockets, no allocation.
#pragma once

#include <cstddef>
#include <cstring>
#include <optional>
#include <string_view>

#include "protocol/reply_head.hpp"

namespace tsna::bench {

enum class ReplyFormat {
  kTsna2,    // "<code>-<text>\n" continuation lines, then "<code>:<text>\n" (SPEC 1.2)
  kClassic,  // no terminator: one read is one reply (SPEC 1.1)
  kRedis,    // one line ending "\r\n": "+PONG" ok, "-ERR ..." an error
};

// Feed the bytes of each read in order. For every reply completed by them, on_reply(ok) is
// called: ok means "200" (TSNA/2 and classic, the code of the reply's last line) or a '+' / ':'
// line (Redis). A reply split across reads is completed by the read that ends it.
class ReplyScanner {
 public:
  explicit ReplyScanner(ReplyFormat format) : format_(format) {}

  template <typename OnReply>
  std::size_t feed(std::string_view bytes, OnReply&& on_reply) {
    if (format_ == ReplyFormat::kClassic) {
      if (bytes.empty()) {
        return 0;
      }
      on_reply(is_last_line_with(bytes, Code::kOk));
      return 1;
    }
    const std::size_t header = format_ == ReplyFormat::kTsna2 ? kReplyHeadBytes : 1;
    std::size_t replies = 0;
    const char* p = bytes.data();
    const char* const end = p + bytes.size();
    while (p != end) {
      if (!in_text_) {
        // The first `header` bytes of a line say whether the reply ends with it, and how.
        const char c = *p++;
        if (c != '\n') {
          head_[head_len_++] = c;
          in_text_ = head_len_ == header;
          continue;
        }
      } else {
        const auto* nl =
            static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (nl == nullptr) {
          break;
        }
        p = nl + 1;
      }
      // A line has ended.
      const bool whole_head = head_len_ == header;
      head_len_ = 0;
      in_text_ = false;
      if (format_ == ReplyFormat::kTsna2) {
        const std::optional<ReplyHead> head =
            whole_head ? parse_reply_head(std::string_view(head_, kReplyHeadBytes)) : std::nullopt;
        if (head && !head->last) {
          continue;  // a continuation line of a multi-line reply
        }
        on_reply(head && head->code == static_cast<int>(Code::kOk));
      } else {
        on_reply(whole_head && (head_[0] == '+' || head_[0] == ':'));
      }
      ++replies;
    }
    return replies;
  }

 private:
  ReplyFormat format_;
  std::size_t head_len_ = 0;  // bytes of the current line's head seen so far
  bool in_text_ = false;      // the head is complete; looking for the line's end
  char head_[kReplyHeadBytes] = {};
};

// TSNA/2: the length of the first complete reply at the front of `buffer` (up to and including
// the '\n' of its last line), or 0 when it has not fully arrived. For the setup exchanges.
std::size_t complete_tsna2_reply(std::string_view buffer);

}  // namespace tsna::bench
