// proc_status_test.cpp - reading VmRSS and CPU ticks from /proc texts, and from this process.
#include "bench/proc_status.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace tsna::bench {
namespace {

TEST(ProcStatus, VmRssIsReadInBytes) {
  const std::string_view text =
      "Name:\ttsna-server\nVmPeak:\t  123456 kB\nVmRSS:\t    10740 kB\nRssAnon:\t 4 kB\n";
  EXPECT_EQ(parse_vm_rss(text), 10740u * 1024);
}

TEST(ProcStatus, MissingOrMalformedVmRssIsNothing) {
  EXPECT_EQ(parse_vm_rss("Name:\tx\nVmPeak:\t1 kB\n"), std::nullopt);
  EXPECT_EQ(parse_vm_rss("VmRSS:\t12 MB\n"), std::nullopt);
  EXPECT_EQ(parse_vm_rss("VmRSS:\n"), std::nullopt);
}

TEST(ProcStatus, CpuTicksAreUserPlusSystemCountedFromTheLastParenthesis) {
  // A command name holding ") (" and spaces must not shift the fields.
  const std::string_view stat =
      "4242 (evil) (name x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0 9 1 2\n";
  EXPECT_EQ(parse_cpu_ticks(stat), 325u);
  EXPECT_EQ(parse_cpu_ticks("4242 (x) S 1 2"), std::nullopt);
  EXPECT_EQ(parse_cpu_ticks("no parenthesis"), std::nullopt);
}

TEST(ProcStatus, ThisProcessHasAResidentSetAndCpuTime) {
  const auto rss = read_rss_bytes(::getpid());
  ASSERT_TRUE(rss.has_value());
  EXPECT_GT(*rss, 0u);
  EXPECT_TRUE(read_cpu_seconds(::getpid()).has_value());
  EXPECT_EQ(read_rss_bytes(-1), std::nullopt);
}

}  // namespace
}  // namespace tsna::bench
