// histogram.cpp - bucket arithmetic and percentile walk of the log-linear histogram.
#include "bench/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tsna::bench {

// Bucket layout: values [0, 2^kSubBits) map to themselves. A larger value with its highest set
// bit at position b (b >= kSubBits) is shifted right by s = b - kSubBits, which leaves a number
// in [2^kSubBits, 2^(kSubBits+1)); its bucket is (s + 1) * 2^kSubBits + that number - 2^kSubBits.
std::size_t LatencyHistogram::bucket_of(std::uint64_t value) {
  value = std::min(value, kMaxValue);
  if (value < kSubCount) {
    return static_cast<std::size_t>(value);
  }
  const unsigned top = 63U - static_cast<unsigned>(std::countl_zero(value));
  const unsigned shift = top - kSubBits;
  return static_cast<std::size_t>((shift + 1) * kSubCount + (value >> shift) - kSubCount);
}

std::uint64_t LatencyHistogram::bucket_low(std::size_t bucket) {
  if (bucket < kSubCount) {
    return bucket;
  }
  const std::uint64_t shift = bucket / kSubCount - 1;
  const std::uint64_t sub = bucket % kSubCount + kSubCount;
  return sub << shift;
}

std::uint64_t LatencyHistogram::bucket_high(std::size_t bucket) {
  if (bucket < kSubCount) {
    return bucket;
  }
  const std::uint64_t shift = bucket / kSubCount - 1;
  return bucket_low(bucket) + (std::uint64_t{1} << shift) - 1;
}

void LatencyHistogram::record(std::uint64_t value) {
  value = std::min(value, kMaxValue);
  ++counts_[bucket_of(value)];
  if (count_ == 0 || value < min_) {
    min_ = value;
  }
  max_ = std::max(max_, value);
  ++count_;
  sum_ += static_cast<long double>(value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) {
    return;
  }
  for (std::size_t i = 0; i < kBuckets; ++i) {
    counts_[i] += other.counts_[i];
  }
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

void LatencyHistogram::reset() {
  counts_.fill(0);
  count_ = 0;
  min_ = 0;
  max_ = 0;
  sum_ = 0;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::uint64_t LatencyHistogram::percentile(double percent) const {
  if (count_ == 0) {
    return 0;
  }
  if (percent <= 0.0) {
    return min_;
  }
  percent = std::min(percent, 100.0);
  // The rank of the value wanted: ceil(percent% of count), at least 1.
  auto rank =
      static_cast<std::uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(count_) - 1e-9));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      return std::clamp(bucket_high(i), min_, max_);
    }
  }
  return max_;
}

}  // namespace tsna::bench
