// reply_scanner.cpp - the setup helper that finds one whole TSNA/2 reply in a buffer.
#include "bench/reply_scanner.hpp"

namespace tsna::bench {

std::size_t complete_tsna2_reply(std::string_view buffer) {
  std::size_t pos = 0;
  for (;;) {
    const std::size_t nl = buffer.find('\n', pos);
    if (nl == std::string_view::npos) {
      return 0;
    }
    const std::string_view line = buffer.substr(pos, nl - pos);
    pos = nl + 1;
    const std::optional<ReplyHead> head = parse_reply_head(line);
    if (!head || head->last) {
      return pos;
    }
  }
}

}  // namespace tsna::bench
