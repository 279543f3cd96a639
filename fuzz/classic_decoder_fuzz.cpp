// classic_decoder_fuzz.cpp - libFuzzer target for tsna::ClassicFramer (SPEC 1.1): random read
// boundaries, reads that fill the buffer or not, checked against a plain model of the rule in
// docs/PROTOCOL.md. Input: [limit byte][buffer size byte] then reads, each [length byte][bytes]
// (length 0 = a full buffer). Fuzz-only; depends on src/protocol.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "protocol/framing.hpp"

namespace tsna {
namespace {

struct Event {
  bool too_long = false;
  std::string message;
  bool operator==(const Event&) const = default;
};

struct Read {
  std::string_view bytes;
  bool full = false;
};

// docs/PROTOCOL.md, "Classic choices": a read is split at each '\n' (a '\r' before it dropped),
// an unterminated tail is its last message; a message over `max` is "too long", and if it was
// the tail of a read that filled the buffer, the next reads are discarded up to and including
// a '\n' (a read that does not fill the buffer ends the discarding).
std::vector<Event> model(const std::vector<Read>& reads, std::size_t max) {
  std::vector<Event> events;
  bool discarding = false;
  for (const Read& read : reads) {
    std::string_view rest = read.bytes;
    if (discarding) {
      const std::size_t nl = rest.find('\n');
      if (nl == std::string_view::npos) {
        discarding = read.full;
        continue;
      }
      rest.remove_prefix(nl + 1);
      discarding = false;
    }
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      const bool terminated = nl != std::string_view::npos;
      std::string_view message = terminated ? rest.substr(0, nl) : rest;
      rest.remove_prefix(terminated ? nl + 1 : rest.size());
      if (!message.empty() && message.back() == '\r') {
        message.remove_suffix(1);
      }
      if (message.size() > max) {
        events.push_back(Event{true, {}});
        discarding = !terminated && read.full;
      } else {
        events.push_back(Event{false, std::string(message)});
      }
    }
  }
  return events;
}

// Drives the framer as Session::process does: next() until the read is used up.
std::vector<Event> frame(const std::vector<Read>& reads, std::size_t max) {
  ClassicFramer framer(max);
  std::vector<Event> events;
  for (const Read& read : reads) {
    std::string_view input = read.bytes;
    while (!input.empty()) {
      const std::size_t before = input.size();
      std::string_view message;
      const FrameResult r = framer.next(input, read.full, message);
      TSNA_FUZZ_CHECK(input.size() < before, "next() consumed nothing");
      if (r == FrameResult::kNeedMore) {
        TSNA_FUZZ_CHECK(input.empty(), "kNeedMore with input left");
        break;
      }
      if (r == FrameResult::kTooLong) {
        events.push_back(Event{true, {}});
        continue;
      }
      TSNA_FUZZ_CHECK(message.size() <= max, message);
      TSNA_FUZZ_CHECK(message.find('\n') == std::string_view::npos, message);
      // A message views the read itself: nothing is buffered across reads.
      TSNA_FUZZ_CHECK(message.empty() || (message.data() >= read.bytes.data() &&
                                          message.data() + message.size() <=
                                              read.bytes.data() + read.bytes.size()),
                      message);
      events.push_back(Event{false, std::string(message)});
    }
  }
  return events;
}

std::string describe(const std::vector<Event>& events) {
  std::string s;
  for (const Event& e : events) {
    s += e.too_long ? std::string("<too long>") : "<" + e.message + ">";
  }
  return s;
}

}  // namespace
}  // namespace tsna

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tsna;
  if (size < 2) {
    return 0;
  }
  // Reads are at most 255 bytes here, so the limits are scaled down to match (1..128).
  const std::size_t max = (data[0] & 0x7F) + 1u;
  const std::size_t buffer = std::max<std::size_t>(data[1], 1);
  std::vector<Read> reads;
  std::size_t i = 2;
  while (i < size) {
    std::size_t n = data[i++] == 0 ? buffer : data[i - 1];
    n = std::min({n, buffer, size - i});
    if (n == 0) {
      continue;  // the server never hands over an empty read
    }
    reads.push_back(Read{fuzz::as_chars(data + i, n), n == buffer});
    i += n;
  }
  const std::vector<Event> expected = model(reads, max);
  const std::vector<Event> got = frame(reads, max);
  TSNA_FUZZ_CHECK(got == expected, describe(got) + " vs model " + describe(expected));
  return 0;
}
