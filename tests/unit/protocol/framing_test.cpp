// framing_test.cpp - TSNA/2 line decoding and classic message splitting, fed whole, in
// one-byte slices and with overlong input (SPEC 1.1, 1.2).
#include "protocol/framing.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tsna {
namespace {

// Feeds `chunks` to a LineDecoder and returns what came out ("!" marks kTooLong).
std::vector<std::string> decode_lines(const std::vector<std::string>& chunks, std::size_t max) {
  LineDecoder d(max);
  std::vector<std::string> out;
  for (const std::string& chunk : chunks) {
    std::string_view in = chunk;
    for (;;) {
      std::string_view msg;
      const FrameResult r = d.next(in, msg);
      if (r == FrameResult::kNeedMore) {
        break;
      }
      out.push_back(r == FrameResult::kTooLong ? std::string("!") : std::string(msg));
    }
  }
  return out;
}

std::vector<std::string> classic_messages(const std::vector<std::string>& reads, std::size_t max,
                                          std::size_t buffer_size = 1 << 20) {
  ClassicFramer f(max);
  std::vector<std::string> out;
  for (const std::string& read : reads) {
    std::string_view in = read;
    const bool full = read.size() == buffer_size;
    for (;;) {
      std::string_view msg;
      const FrameResult r = f.next(in, full, msg);
      if (r == FrameResult::kNeedMore) {
        break;
      }
      out.push_back(r == FrameResult::kTooLong ? std::string("!") : std::string(msg));
      if (in.empty()) {
        break;
      }
    }
  }
  return out;
}

using Lines = std::vector<std::string>;

TEST(LineDecoder, SplitsPipelinedLinesAndDropsCarriageReturns) {
  EXPECT_EQ(decode_lines({"ls\nsum 1 2\r\nhelp\n"}, 4096), (Lines{"ls", "sum 1 2", "help"}));
}

TEST(LineDecoder, KeepsAPartialLineUntilItsEndArrives) {
  EXPECT_EQ(decode_lines({"su", "m 1", " 2\r", "\nls"}, 4096), (Lines{"sum 1 2"}));
}

TEST(LineDecoder, OneByteSlicesGiveTheSameLines) {
  const std::string wire = "hello TSNA/2\nlogin bob\r\n\nsum 1 2\n";
  std::vector<std::string> slices;
  for (char c : wire) {
    slices.emplace_back(1, c);
  }
  EXPECT_EQ(decode_lines(slices, 4096), (Lines{"hello TSNA/2", "login bob", "", "sum 1 2"}));
}

TEST(LineDecoder, LineOfExactlyTheLimitIsAccepted) {
  const std::string line(16, 'x');
  EXPECT_EQ(decode_lines({line + "\n"}, 16), (Lines{line}));
  EXPECT_EQ(decode_lines({line + "\r\n"}, 16), (Lines{line}));
  EXPECT_EQ(decode_lines({line, "\r", "\n"}, 16), (Lines{line}));
}

TEST(LineDecoder, LineLongerThanLimitIsReportedOnceAndItsExcessDiscarded) {
  const std::string line(17, 'x');
  EXPECT_EQ(decode_lines({line + "\nls\n"}, 16), (Lines{"!", "ls"}));
  EXPECT_EQ(decode_lines({line + "\r\nls\n"}, 16), (Lines{"!", "ls"}));
}

TEST(LineDecoder, OverlongLineArrivingInPiecesIsReportedOnceAndNeverBuffered) {
  LineDecoder d(4096);
  std::vector<std::string> out;
  const std::string chunk(64 * 1024, 'A');
  int too_long = 0;
  for (int i = 0; i < 16; ++i) {  // a 1 MiB line
    std::string_view in = chunk;
    std::string_view msg;
    while (d.next(in, msg) != FrameResult::kNeedMore) {
      ++too_long;
    }
  }
  EXPECT_EQ(too_long, 1);
  EXPECT_TRUE(d.mid_line());
  std::string_view in = "tail\nls\n";
  std::string_view msg;
  ASSERT_EQ(d.next(in, msg), FrameResult::kMessage);
  EXPECT_EQ(msg, "ls");
  EXPECT_FALSE(d.mid_line());
}

TEST(LineDecoder, CarriageReturnAtTheLimitBoundaryIsNotCountedAsContent) {
  const std::string line(16, 'x');
  EXPECT_EQ(decode_lines({line + "\rx\n"}, 16), (Lines{"!"}));
}

TEST(ClassicFramer, EachReadIsOneMessage) {
  EXPECT_EQ(classic_messages({"ls", "sum 1 2"}, 4096), (Lines{"ls", "sum 1 2"}));
}

TEST(ClassicFramer, ReadHoldingTwoNewlineTerminatedCommandsIsTwoMessages) {
  EXPECT_EQ(classic_messages({"ls\r\nhelp\n"}, 4096), (Lines{"ls", "help"}));
}

TEST(ClassicFramer, UnterminatedTailIsTheLastMessage) {
  EXPECT_EQ(classic_messages({"ls\nhelp"}, 4096), (Lines{"ls", "help"}));
}

TEST(ClassicFramer, LoneNewlineIsABlankMessage) {
  EXPECT_EQ(classic_messages({"\n"}, 4096), (Lines{""}));
}

TEST(ClassicFramer, OverlongMessageIsReportedAndTheNextReadIsNew) {
  EXPECT_EQ(classic_messages({std::string(5000, 'a'), "ls"}, 4096), (Lines{"!", "ls"}));
}

TEST(ClassicFramer, OverlongMessageFillingTheBufferIsDiscardedUpToTheNextNewline) {
  const std::string full(64, 'a');
  EXPECT_EQ(classic_messages({full, full, "aaa\nls"}, 16, 64), (Lines{"!", "ls"}));
}

}  // namespace
}  // namespace tsna
