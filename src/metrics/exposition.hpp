// exposition.hpp - the Prometheus text format (version 0.0.4) of the server's counters: every
// metric with its HELP and TYPE lines (docs/SPEC.md, "Metrics", lists them). Pure: text out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/registry.hpp"

namespace tsna::metrics {

// The Content-Type of the text render() writes.
inline constexpr std::string_view kExpositionContentType =
    "text/plain; version=0.0.4; charset=utf-8";

struct Scrape {
  Totals totals;
  const std::vector<std::string>* command_labels = nullptr;  // Registry::command_labels()
  // The audit log's counts, when the server writes one of its own.
  std::optional<std::uint64_t> audit_written;
  std::optional<std::uint64_t> audit_dropped;
  std::string_view version;  // tsna_build_info's version label
};

std::string render(const Scrape& scrape);

}  // namespace tsna::metrics
