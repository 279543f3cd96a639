// framing.hpp - incremental request framing for both dialects (SPEC 1.1, 1.2). Pure: no
// sockets, no asio. Each call takes bytes from the front of `input` and says what it found;
// an overlong message is reported once and its excess discarded, never buffered.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tsna {

enum class FrameResult {
  kNeedMore,  // `input` is used up; nothing complete yet
  kMessage,   // `message` holds one request (line end and a '\r' before it removed)
  kTooLong,   // a request passed the limit: answer "400:Message too long" in its place
};

// TSNA/2: requests are lines ending in '\n'. A partial line is kept (at most the limit) until
// its end arrives; past the limit the line is reported kTooLong once and its bytes up to and
// including the next '\n' are dropped as they arrive.
class LineDecoder {
 public:
  explicit LineDecoder(std::size_t max_line_bytes) : max_(max_line_bytes) {}

  // `message` views either `input` or a per-thread buffer; valid until the next call of any
  // LineDecoder on this thread.
  FrameResult next(std::string_view& input, std::string_view& message);

  // True while bytes of an unfinished line are held or being discarded.
  bool mid_line() const { return !partial_.empty() || discarding_; }

 private:
  std::size_t max_;
  std::string partial_;  // at most max+1 bytes of an unfinished line
  bool discarding_ = false;
};

// Classic: the seed's server took each recv() as one message. A read is split at each '\n'
// (a '\r' before it dropped); an unterminated tail is the read's last message. A message
// past the limit is reported kTooLong once; if the read that held it filled the read buffer
// (more of it is surely on the way), the next reads are discarded up to and including a '\n'.
class ClassicFramer {
 public:
  explicit ClassicFramer(std::size_t max_message_bytes) : max_(max_message_bytes) {}

  // `input` is what remains of one read; `read_was_full` says that read filled the buffer.
  FrameResult next(std::string_view& input, bool read_was_full, std::string_view& message);

 private:
  std::size_t max_;
  bool discarding_ = false;
};

}  // namespace tsna
