// tsna2_decoder_fuzz.cpp - libFuzzer target for tsna::LineDecoder (SPEC 1.2): the same bytes fed
// whole, one byte at a time and in random slices must give the messages a plain model of the
// spec gives, no message may pass the limit and no more than limit+1 bytes may ever be held.
// Input: [limit byte][slice seed byte][stream...]. Fuzz-only; depends on src/protocol.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "protocol/framing.hpp"

namespace tsna {
namespace {

// Reads LineDecoder's private partial-line buffer ("at most max+1 bytes of an unfinished line")
// for the memory bound. Explicit instantiation may name private members (C++20 [temp.spec]/6),
// so this needs no change to the class; if the member is renamed, rename it here.
struct PartialTag {
  using type = std::string LineDecoder::*;
  friend type member_of(PartialTag);
};
template <typename Tag, typename Tag::type kMember>
struct Expose {
  friend typename Tag::type member_of(Tag) { return kMember; }
};
template struct Expose<PartialTag, &LineDecoder::partial_>;

struct Event {
  bool too_long = false;
  std::string message;
  bool operator==(const Event&) const = default;
};

struct Run {
  std::vector<Event> events;
  bool mid_line = false;
};

// SPEC 1.2 as prose: each '\n'-terminated line (one '\r' before the '\n' dropped) is a message,
// or "too long" past `max` bytes; an unterminated tail is reported "too long" as soon as it
// cannot fit (over max+1 bytes, or max+1 bytes not ending in the '\r' of a "\r\n").
Run model(std::string_view stream, std::size_t max) {
  Run run;
  for (;;) {
    const std::size_t nl = stream.find('\n');
    if (nl == std::string_view::npos) {
      break;
    }
    std::string_view line = stream.substr(0, nl);
    stream.remove_prefix(nl + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    run.events.push_back(line.size() > max ? Event{true, {}} : Event{false, std::string(line)});
  }
  if (stream.size() > max + 1 || (stream.size() == max + 1 && stream.back() != '\r')) {
    run.events.push_back(Event{true, {}});
  }
  run.mid_line = !stream.empty();
  return run;
}

// Feeds `stream` cut at `cuts` (ascending offsets) and checks every result on the way.
Run decode(std::string_view stream, std::size_t max, const std::vector<std::size_t>& cuts) {
  LineDecoder decoder(max);
  Run run;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : stream.size();
    std::string_view input = stream.substr(begin, end - begin);
    begin = end;
    for (;;) {
      const std::size_t before = input.size();
      std::string_view message;
      const FrameResult r = decoder.next(input, message);
      TSNA_FUZZ_CHECK(input.size() <= before, "next() grew its input");
      TSNA_FUZZ_CHECK((decoder.*member_of(PartialTag{})).size() <= max + 1,
                      decoder.*member_of(PartialTag{}));
      if (r == FrameResult::kNeedMore) {
        TSNA_FUZZ_CHECK(input.empty(), "kNeedMore with input left");
        break;
      }
      if (r == FrameResult::kTooLong) {
        run.events.push_back(Event{true, {}});
      } else {
        TSNA_FUZZ_CHECK(message.size() <= max, message);
        TSNA_FUZZ_CHECK(message.find('\n') == std::string_view::npos, message);
        run.events.push_back(Event{false, std::string(message)});
      }
      TSNA_FUZZ_CHECK(before > input.size() || before == 0, "a result that consumed nothing");
      if (input.empty()) {
        // What the session does: it stops at the end of a read. One more call must be harmless.
        std::string_view ignored;
        TSNA_FUZZ_CHECK(decoder.next(input, ignored) == FrameResult::kNeedMore,
                        "an empty input produced a result");
        break;
      }
    }
  }
  run.mid_line = decoder.mid_line();
  return run;
}

std::string describe(const Run& run) {
  std::string s;
  for (const Event& e : run.events) {
    s += e.too_long ? std::string("<too long>") : "<" + e.message + ">";
  }
  s += run.mid_line ? " mid_line" : " at_line_start";
  return s;
}

}  // namespace
}  // namespace tsna

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tsna;
  if (size < 2) {
    return 0;
  }
  // Small limits reach every edge with short inputs; 4096 is the production value.
  const std::size_t max = (data[0] & 0x80) != 0 ? 4096 : (data[0] & 0x3F) + 1u;
  std::uint32_t state = data[1] * 2654435761u + 1u;
  const std::string_view stream = fuzz::as_chars(data + 2, size - 2);

  const Run expected = model(stream, max);
  const Run whole = decode(stream, max, {});
  TSNA_FUZZ_CHECK(whole.events == expected.events && whole.mid_line == expected.mid_line,
                  describe(whole) + " vs model " + describe(expected));

  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < stream.size() && stream.size() <= 4096; ++i) {
    cuts.push_back(i);
  }
  const Run bytewise = decode(stream, max, cuts);
  TSNA_FUZZ_CHECK(bytewise.events == expected.events && bytewise.mid_line == expected.mid_line,
                  describe(bytewise) + " vs model " + describe(expected));

  cuts.clear();
  for (std::size_t at = 0;;) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    at += 1 + state % (2 * max + 4);
    if (at >= stream.size()) {
      break;
    }
    cuts.push_back(at);
  }
  const Run sliced = decode(stream, max, cuts);
  TSNA_FUZZ_CHECK(sliced.events == expected.events && sliced.mid_line == expected.mid_line,
                  describe(sliced) + " vs model " + describe(expected));
  return 0;
}
