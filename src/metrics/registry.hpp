// registry.hpp - the server's counters (SPEC 4.7): connections, commands, logins, store
// operations. Counters only: no sockets, no text format (exposition.hpp), no locks on the hot
// path. Each thread that counts gets a shard of its own; a scrape sums the shards.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/dialect.hpp"

namespace tsna::metrics {

// A counter written by one thread and read by others: a relaxed load and store, never a
// read-modify-write, so counting costs what a plain increment does.
class LocalCounter {
 public:
  void add(std::uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// The label values of each dimension, in index order; the names of the metrics are in
// exposition.cpp. A label set is fixed here: nothing a peer sends can add a series.
enum class PortKind : std::uint8_t { kPlain, kTls };
inline constexpr std::array<std::string_view, 2> kPortKindLabels{"plain", "tls"};

// The reply codes a server sends (SPEC 1.3), and kNone for a reply without one (the classic
// challenge's raw bytes).
enum class ReplyCode : std::uint8_t { k200, k300, k400, kNone };
inline constexpr std::array<std::string_view, 4> kReplyCodeLabels{"200", "300", "400", "none"};
ReplyCode reply_code(int code);

inline constexpr std::array<std::string_view, 2> kDialectLabels{"classic", "tsna2"};
inline std::size_t dialect_index(Dialect d) {
  return d == Dialect::kClassic ? 0 : 1;
}

enum class LoginOutcome : std::uint8_t { kOk, kFailed, kThrottled, kUnavailable };
inline constexpr std::array<std::string_view, 4> kLoginOutcomeLabels{"ok", "failed", "throttled",
                                                                     "unavailable"};

// What the store threads do (session/session.hpp, StoreRequest::Kind) and how it ended
// (StoreOutcome); the server maps its enums onto these.
inline constexpr std::array<std::string_view, 6> kStoreOperationLabels{
    "find", "check_password", "add", "change", "record_failure", "record_success"};
inline constexpr std::array<std::string_view, 8> kStoreOutcomeLabels{
    "done",          "no_such_user", "name_taken",  "wrong_password",
    "same_password", "failed",       "unavailable", "throttled"};

// Upper bounds of the store latency histogram's buckets, in seconds; a last bucket (+Inf) takes
// the rest. From 100 us (a lookup in memory) to 10 s (a stalled disk); a derivation at 4096
// iterations takes about 1 ms.
inline constexpr std::array<double, 13> kStoreLatencyBounds{
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5, 10};

// Room for the command labels the session supplies (session/command_label.hpp).
inline constexpr std::size_t kMaxCommandLabels = 24;

// Every counter once, in cells of type C: LocalCounter in a shard, std::uint64_t in a total.
template <typename C>
struct Counts {
  std::array<C, kPortKindLabels.size()> connections_accepted{};
  std::array<C, kPortKindLabels.size()> connections_closed{};
  std::array<C, kPortKindLabels.size()> connections_rejected{};  // over --max-connections
  std::array<std::array<C, kReplyCodeLabels.size()>, kMaxCommandLabels> commands{};
  std::array<std::array<C, kLoginOutcomeLabels.size()>, kDialectLabels.size()> logins{};
  std::array<std::array<C, kStoreOutcomeLabels.size()>, kStoreOperationLabels.size()> store{};
  // Per operation: observations per bucket (not cumulative; the last is +Inf), and the sum of
  // their durations in nanoseconds.
  std::array<std::array<C, kStoreLatencyBounds.size() + 1>, kStoreOperationLabels.size()>
      store_latency{};
  std::array<C, kStoreOperationLabels.size()> store_latency_ns{};
};

// One thread's counters. Aligned so that two threads never share a cache line.
struct alignas(64) Shard : Counts<LocalCounter> {
  void count_command(std::size_t label, int code) {
    commands[label][static_cast<std::size_t>(reply_code(code))].add();
  }
  void count_login(Dialect dialect, LoginOutcome outcome) {
    logins[dialect_index(dialect)][static_cast<std::size_t>(outcome)].add();
  }
  // A store operation's outcome; observe_store_latency() adds its duration when it ran.
  void count_store(std::size_t operation, std::size_t outcome) { store[operation][outcome].add(); }
  void observe_store_latency(std::size_t operation, std::uint64_t nanoseconds);
};

using Totals = Counts<std::uint64_t>;

class Registry {
 public:
  // `command_labels`: the values of tsna_commands_total's command label, at most
  // kMaxCommandLabels, indexed as Shard::count_command() is called.
  explicit Registry(std::vector<std::string> command_labels);
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The calling thread's shard, made on its first call (under a lock, once per thread); later
  // calls cost a thread-local read. The shard lives as long as the registry.
  Shard& local();

  // Every shard summed. Thread safe; a counter read while it is written gives its old or new
  // value.
  Totals totals() const;

  const std::vector<std::string>& command_labels() const { return command_labels_; }

 private:
  const std::uint64_t id_;  // tells this registry's thread-local entry from another's
  const std::vector<std::string> command_labels_;
  mutable std::mutex mutex_;
  std::vector<std::pair<std::thread::id, std::unique_ptr<Shard>>> shards_;  // guarded
};

}  // namespace tsna::metrics
