// histogram.hpp - a log-linear latency histogram in the manner of HdrHistogram: fixed memory,
// O(1) record, percentiles within 1/128 (0.8 %) of the true value. Pure: no I/O, no clock.
#pragma once

#include <array>
#include <cstdint>

namespace tsna::bench {

// Values are unsigned integers (tsna-bench records nanoseconds). Values below 2^kSubBits are
// kept exactly; above, each power of two is split into 2^kSubBits equal buckets, so a bucket's
// width is at most 1/128 of its values. Values past kMaxValue are clamped to it (and counted).
class LatencyHistogram {
 public:
  static constexpr unsigned kSubBits = 7;
  static constexpr std::uint64_t kSubCount = std::uint64_t{1} << kSubBits;
  static constexpr unsigned kMaxBits = 40;  // 2^40 ns is about 18 minutes: longer than any run
  static constexpr std::uint64_t kMaxValue = (std::uint64_t{1} << kMaxBits) - 1;

  void record(std::uint64_t value);
  void merge(const LatencyHistogram& other);
  void reset();

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  double mean() const;

  // The smallest recorded value v (as its bucket's highest equivalent value, never more than
  // max()) such that at least `percent` % of the recorded values are <= v. 0 when empty.
  // percent is clamped to [0, 100]; 0 gives min(), 100 gives max().
  std::uint64_t percentile(double percent) const;

  // Bucket arithmetic, public for tests.
  static std::size_t bucket_of(std::uint64_t value);
  static std::uint64_t bucket_low(std::size_t bucket);
  static std::uint64_t bucket_high(std::size_t bucket);

 private:
  static constexpr std::size_t kBuckets = (kMaxBits - kSubBits + 1) * kSubCount;

  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace tsna::bench
