// reply_parser.cpp - reply parsing for both dialects and the user-facing reply text. Pure.
#include "client/reply_parser.hpp"

namespace tsna::client {
namespace {

// The code of "<3 digits><separator>...", or -1.
int leading_code(std::string_view bytes, char separator) {
  if (bytes.size() < 4 || bytes[3] != separator) {
    return -1;
  }
  int code = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (bytes[i] < '0' || bytes[i] > '9') {
      return -1;
    }
    code = code * 10 + (bytes[i] - '0');
  }
  return code;
}

}  // namespace

std::string format_reply(const Reply& reply) {
  return std::to_string(reply.code) + ":" + reply.text;
}

std::optional<Reply> parse_classic_reply(std::string_view bytes) {
  const int code = leading_code(bytes, ':');
  if (code < 0) {
    return std::nullopt;
  }
  return Reply{code, std::string(bytes.substr(4))};
}

ReplyAssembler::Step ReplyAssembler::add_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  const bool last = leading_code(line, ':') >= 0;
  const int code = last ? leading_code(line, ':') : leading_code(line, '-');
  if (code < 0 || (started_ && code != reply_.code)) {
    return Step::kError;
  }
  if (started_) {
    reply_.text.push_back('\n');
  }
  started_ = true;
  reply_.code = code;
  reply_.text.append(line.substr(4));
  return last ? Step::kDone : Step::kNeedMore;
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
