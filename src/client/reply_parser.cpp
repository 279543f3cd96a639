// reply_parser.cpp - reply parsing for both dialects (a line's head read by
// protocol/reply_head.hpp) and the user-facing reply text. Pure.
#include "client/reply_parser.hpp"

#include "protocol/reply_head.hpp"

namespace tsna::client {

std::string format_reply(const Reply& reply) {
  return std::to_string(reply.code) + ":" + reply.text;
}

std::optional<Reply> parse_classic_reply(std::string_view bytes) {
  const std::optional<ReplyHead> head = parse_reply_head(bytes);
  if (!head || !head->last) {
    return std::nullopt;
  }
  return Reply{head->code, std::string(bytes.substr(kReplyHeadBytes))};
}

ReplyAssembler::Step ReplyAssembler::add_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  const std::optional<ReplyHead> head = parse_reply_head(line);
  if (!head || (started_ && head->code != reply_.code)) {
    return Step::kError;
  }
  if (started_) {
    reply_.text.push_back('\n');
  }
  started_ = true;
  reply_.code = head->code;
  reply_.text.append(line.substr(kReplyHeadBytes));
  return head->last ? Step::kDone : Step::kNeedMore;
}

Reply ReplyAssembler::take() {
  Reply out = std::move(reply_);
  reset();
  return out;
}

void ReplyAssembler::reset() {
  reply_ = Reply{};
  started_ = false;
}

std::string terminal_safe(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\n') || u == 0x7F) {
      c = '?';
    }
  }
  return out;
}

}  // namespace tsna::client
