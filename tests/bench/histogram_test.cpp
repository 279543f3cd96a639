// histogram_test.cpp - the log-linear latency histogram: exact small values, bucket edges,
// percentiles of known data within the promised 1/128, merge, clamping.
#include "bench/histogram.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

namespace tsna::bench {
namespace {

TEST(Histogram, EmptyHistogramReportsZeros) {
  const auto h = std::make_unique<LatencyHistogram>();
  EXPECT_EQ(h->count(), 0u);
  EXPECT_EQ(h->percentile(50), 0u);
  EXPECT_EQ(h->min(), 0u);
  EXPECT_EQ(h->max(), 0u);
  EXPECT_EQ(h->mean(), 0.0);
}

TEST(Histogram, ValuesBelow128AreKeptExactly) {
  const auto h = std::make_unique<LatencyHistogram>();
  for (std::uint64_t v = 1; v <= 100; ++v) {
    h->record(v);
  }
  EXPECT_EQ(h->count(), 100u);
  EXPECT_EQ(h->percentile(0), 1u);
  EXPECT_EQ(h->percentile(50), 50u);
  EXPECT_EQ(h->percentile(99), 99u);
  EXPECT_EQ(h->percentile(99.9), 100u);
  EXPECT_EQ(h->percentile(100), 100u);
  EXPECT_DOUBLE_EQ(h->mean(), 50.5);
}

TEST(Histogram, BucketEdgesDoubleInWidthEachPowerOfTwo) {
  EXPECT_EQ(LatencyHistogram::bucket_of(127), 127u);
  EXPECT_EQ(LatencyHistogram::bucket_of(128), 128u);
  EXPECT_EQ(LatencyHistogram::bucket_of(255), 255u);
  EXPECT_EQ(LatencyHistogram::bucket_of(256), 256u);
  EXPECT_EQ(LatencyHistogram::bucket_of(257), 256u);
  EXPECT_EQ(LatencyHistogram::bucket_of(258), 257u);
  EXPECT_EQ(LatencyHistogram::bucket_low(256), 256u);
  EXPECT_EQ(LatencyHistogram::bucket_high(256), 257u);
  EXPECT_EQ(LatencyHistogram::bucket_low(384), 512u);
  EXPECT_EQ(LatencyHistogram::bucket_high(384), 515u);
  for (std::uint64_t v : {1000u, 65535u, 65536u, 999999u, 123456789u}) {
    const std::size_t b = LatencyHistogram::bucket_of(v);
    EXPECT_LE(LatencyHistogram::bucket_low(b), v) << v;
    EXPECT_GE(LatencyHistogram::bucket_high(b), v) << v;
    EXPECT_LE(LatencyHistogram::bucket_high(b) - LatencyHistogram::bucket_low(b) + 1,
              v / LatencyHistogram::kSubCount + 1)
        << v;
  }
}

TEST(Histogram, PercentilesOfOneToAThousandMicrosecondsAreWithinOnePart128) {
  const auto h = std::make_unique<LatencyHistogram>();
  for (std::uint64_t us = 1; us <= 1000; ++us) {
    h->record(us * 1000);  // nanoseconds
  }
  // Each is the highest value of the bucket holding the true percentile.
  EXPECT_EQ(h->percentile(50), 501759u);    // true 500000; bucket [499712, 501759]
  EXPECT_EQ(h->percentile(99), 991231u);    // true 990000; bucket [987136, 991231]
  EXPECT_EQ(h->percentile(99.9), 999423u);  // true 999000; bucket [995328, 999423]
  EXPECT_EQ(h->percentile(100), 1000000u);  // the maximum itself, not its bucket's top
  EXPECT_EQ(h->percentile(0), 1000u);
  EXPECT_NEAR(static_cast<double>(h->percentile(50)), 500000.0, 500000.0 / 128);
  EXPECT_DOUBLE_EQ(h->mean(), 500500.0);
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  const auto a = std::make_unique<LatencyHistogram>();
  const auto b = std::make_unique<LatencyHistogram>();
  const auto all = std::make_unique<LatencyHistogram>();
  for (std::uint64_t v = 1; v <= 5000; ++v) {
    (v % 3 == 0 ? a : b)->record(v * 37);
    all->record(v * 37);
  }
  a->merge(*b);
  EXPECT_EQ(a->count(), all->count());
  EXPECT_EQ(a->min(), 37u);
  EXPECT_EQ(a->max(), 5000u * 37);
  for (double p : {0.0, 10.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    EXPECT_EQ(a->percentile(p), all->percentile(p)) << p;
  }
}

TEST(Histogram, ValuesPastTheMaximumAreClamped) {
  const auto h = std::make_unique<LatencyHistogram>();
  h->record(UINT64_MAX);
  EXPECT_EQ(h->max(), LatencyHistogram::kMaxValue);
  EXPECT_EQ(h->percentile(50), LatencyHistogram::kMaxValue);
}

TEST(Histogram, ResetForgetsEverything) {
  const auto h = std::make_unique<LatencyHistogram>();
  h->record(5);
  h->record(500000);
  h->reset();
  EXPECT_EQ(h->count(), 0u);
  EXPECT_EQ(h->percentile(99), 0u);
  h->record(7);
  EXPECT_EQ(h->min(), 7u);
  EXPECT_EQ(h->percentile(50), 7u);
}

}  // namespace
}  // namespace tsna::bench
