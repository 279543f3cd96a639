// reply_scanner_test.cpp - counting replies of each dialect in a stream, whole and split at
// every byte, with multi-line TSNA/2 replies and error replies.
#include "bench/reply_scanner.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace tsna::bench {
namespace {

// Feeds `stream` cut at `cut` (or whole) and returns the replies as "+"/"-" for ok/failed.
std::string scan(ReplyFormat format, std::string_view stream, std::size_t cut = 0) {
  ReplyScanner scanner(format);
  std::string seen;
  const auto on_reply = [&](bool ok) { seen += ok ? '+' : '-'; };
  std::size_t count = 0;
  if (cut == 0) {
    count += scanner.feed(stream, on_reply);
  } else {
    count += scanner.feed(stream.substr(0, cut), on_reply);
    count += scanner.feed(stream.substr(cut), on_reply);
  }
  EXPECT_EQ(count, seen.size());
  return seen;
}

constexpr std::string_view kHelp =
    "200-Available commends: \n200-\t?\n200-\thelp\n200-\texit\n200-\tlogin {name} "
    "{password}\n200:\tregister {name} {password}\n";

TEST(ReplyScanner, Tsna2CountsOneReplyPerFinalLine) {
  EXPECT_EQ(scan(ReplyFormat::kTsna2, "200:6.0\n400:lack of number!\n200:15.0\n"), "+-+");
}

TEST(ReplyScanner, Tsna2MultiLineReplyIsOneReply) {
  const std::string stream = std::string(kHelp) + "200:6.0\n";
  EXPECT_EQ(scan(ReplyFormat::kTsna2, stream), "++");
}

TEST(ReplyScanner, Tsna2ReplySplitAtEveryOffsetIsCountedOnce) {
  const std::string stream =
      std::string("400:Invalid command\n") + std::string(kHelp) + "200:0.30000000000000004\n";
  for (std::size_t cut = 1; cut < stream.size(); ++cut) {
    EXPECT_EQ(scan(ReplyFormat::kTsna2, stream, cut), "-++") << cut;
  }
}

TEST(ReplyScanner, Tsna2IncompleteReplyIsNotCounted) {
  EXPECT_EQ(scan(ReplyFormat::kTsna2, "200:6.0\n200-first line\n200:la"), "+");
}

TEST(ReplyScanner, Tsna2ShortOrChallengeLinesAreNotSuccesses) {
  EXPECT_EQ(scan(ReplyFormat::kTsna2, "20\n300:00112233445566778899aabbccddeeff\n"), "--");
}

TEST(ReplyScanner, RedisPongIsSuccessAndErrIsFailure) {
  const std::string_view stream = "+PONG\r\n-ERR unknown command 'PIN'\r\n:1\r\n+PONG\r\n";
  for (std::size_t cut = 0; cut < stream.size(); ++cut) {
    EXPECT_EQ(scan(ReplyFormat::kRedis, stream, cut), "+-++") << cut;
  }
}

TEST(ReplyScanner, ClassicTakesEachReadAsOneReply) {
  ReplyScanner scanner(ReplyFormat::kClassic);
  std::string seen;
  const auto on_reply = [&](bool ok) { seen += ok ? '+' : '-'; };
  EXPECT_EQ(scanner.feed("200:6.0", on_reply), 1u);
  EXPECT_EQ(scanner.feed("400:Invalid command! Please use help to show commands!", on_reply), 1u);
  EXPECT_EQ(scanner.feed("", on_reply), 0u);
  EXPECT_EQ(seen, "+-");
}

TEST(CompleteTsna2Reply, FindsTheEndOfTheFirstWholeReply) {
  EXPECT_EQ(complete_tsna2_reply(""), 0u);
  EXPECT_EQ(complete_tsna2_reply("200:TSNA/2"), 0u);
  EXPECT_EQ(complete_tsna2_reply("200:TSNA/2\n300:ab"), 11u);
  EXPECT_EQ(complete_tsna2_reply(kHelp.substr(0, 40)), 0u);
  EXPECT_EQ(complete_tsna2_reply(kHelp), kHelp.size());
  EXPECT_EQ(complete_tsna2_reply("x\n"), 2u);
}

}  // namespace
}  // namespace tsna::bench
