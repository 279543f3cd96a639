// framing.cpp - TSNA/2 line decoding and classic message splitting (SPEC 1.1, 1.2).
#include "protocol/framing.hpp"

namespace tsna {
namespace {

std::string_view drop_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  return line;
}

// A held partial line may reach max+1 bytes only when that last byte is the '\r' of "\r\n".
bool partial_over_limit(std::string_view partial, std::size_t max) {
  if (partial.size() <= max) {
    return false;
  }
  return partial.size() > max + 1 || partial.back() != '\r';
}

}  // namespace

FrameResult LineDecoder::next(std::string_view& input, std::string_view& message) {
  while (discarding_) {
    const std::size_t nl = input.find('\n');
    if (nl == std::string_view::npos) {
      input = {};
      return FrameResult::kNeedMore;
    }
    input.remove_prefix(nl + 1);
    discarding_ = false;
  }
  const std::size_t nl = input.find('\n');
  if (nl == std::string_view::npos) {
    // Keep at most max+1 bytes: enough to tell an overlong line from "<max bytes>\r".
    const std::size_t room = max_ + 2 - partial_.size();
    if (input.size() >= room) {
      // `input` holds no '\n': all of it belongs to the overlong line, and so does what
      // follows up to the next '\n'.
      partial_.clear();
      input = {};
      discarding_ = true;
      return FrameResult::kTooLong;
    }
    partial_.append(input);
    input = {};
    if (partial_over_limit(partial_, max_)) {
      partial_.clear();
      discarding_ = true;
      return FrameResult::kTooLong;
    }
    return FrameResult::kNeedMore;
  }
  std::string_view line = input.substr(0, nl);
  input.remove_prefix(nl + 1);
  if (!partial_.empty()) {
    if (partial_.size() + line.size() > max_ + 1) {
      partial_.clear();
      return FrameResult::kTooLong;
    }
    partial_.append(line);
    // Hand the line out from a per-thread buffer and keep no capacity for a finished line: an
    // idle connection holds no line buffer (STYLE 6.1).
    thread_local std::string completed;
    completed.swap(partial_);
    std::string().swap(partial_);
    line = completed;
  }
  line = drop_cr(line);
  if (line.size() > max_) {
    return FrameResult::kTooLong;
  }
  message = line;
  return FrameResult::kMessage;
}

FrameResult ClassicFramer::next(std::string_view& input, bool read_was_full,
                                std::string_view& message) {
  if (discarding_) {
    const std::size_t nl = input.find('\n');
    if (nl == std::string_view::npos) {
      input = {};
      discarding_ = read_was_full;
      return FrameResult::kNeedMore;
    }
    input.remove_prefix(nl + 1);
    discarding_ = false;
  }
  if (input.empty()) {
    return FrameResult::kNeedMore;
  }
  const std::size_t nl = input.find('\n');
  std::string_view msg;
  bool terminated = true;
  if (nl == std::string_view::npos) {
    msg = input;
    input = {};
    terminated = false;
  } else {
    msg = input.substr(0, nl);
    input.remove_prefix(nl + 1);
  }
  msg = drop_cr(msg);
  if (msg.size() > max_) {
    discarding_ = !terminated && read_was_full;
    return FrameResult::kTooLong;
  }
  message = msg;
  return FrameResult::kMessage;
}

}  // namespace tsna
