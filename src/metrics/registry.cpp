// registry.cpp - per-thread shards and their sum (registry.hpp). No I/O.
#include "metrics/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace tsna::metrics {
namespace {

std::uint64_t next_registry_id() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

// The shard a thread used last, and whose it is: a thread counts into one registry almost
// always (its server's), so one entry suffices; another registry finds its own under the lock.
struct LocalEntry {
  std::uint64_t registry = 0;
  Shard* shard = nullptr;
};
thread_local LocalEntry t_local;

template <std::size_t N>
void add_into(std::array<std::uint64_t, N>& to, const std::array<LocalCounter, N>& from) {
  for (std::size_t i = 0; i < N; ++i) {
    to[i] += from[i].value();
  }
}

template <std::size_t N, std::size_t M>
void add_into(std::array<std::array<std::uint64_t, M>, N>& to,
              const std::array<std::array<LocalCounter, M>, N>& from) {
  for (std::size_t i = 0; i < N; ++i) {
    add_into(to[i], from[i]);
  }
}

}  // namespace

ReplyCode reply_code(int code) {
  switch (code) {
    case 200:
      return ReplyCode::k200;
    case 300:
      return ReplyCode::k300;
    case 400:
      return ReplyCode::k400;
    default:
      return ReplyCode::kNone;
  }
}

void Shard::observe_store_latency(std::size_t operation, std::uint64_t nanoseconds) {
  const double seconds = static_cast<double>(nanoseconds) / 1e9;
  const auto* bound = std::find_if(kStoreLatencyBounds.begin(), kStoreLatencyBounds.end(),
                                   [seconds](double upper) { return seconds <= upper; });
  store_latency[operation][static_cast<std::size_t>(bound - kStoreLatencyBounds.begin())].add();
  store_latency_ns[operation].add(nanoseconds);
}

Registry::Registry(std::vector<std::string> command_labels)
    : id_(next_registry_id()), command_labels_(std::move(command_labels)) {
  if (command_labels_.empty() || command_labels_.size() > kMaxCommandLabels) {
    throw std::length_error("metrics: between 1 and kMaxCommandLabels command labels");
  }
}

Shard& Registry::local() {
  if (t_local.registry == id_) {
    return *t_local.shard;
  }
  const std::thread::id me = std::this_thread::get_id();
  const std::lock_guard lock(mutex_);
  auto it = std::find_if(shards_.begin(), shards_.end(),
                         [me](const auto& entry) { return entry.first == me; });
  if (it == shards_.end()) {
    shards_.emplace_back(me, std::make_unique<Shard>());
    it = shards_.end() - 1;
  }
  t_local = {id_, it->second.get()};
  return *it->second;
}

Totals Registry::totals() const {
  Totals t;
  const std::lock_guard lock(mutex_);
  for (const auto& [thread, shard] : shards_) {
    const Shard& s = *shard;
    add_into(t.connections_accepted, s.connections_accepted);
    add_into(t.connections_closed, s.connections_closed);
    add_into(t.connections_rejected, s.connections_rejected);
    add_into(t.commands, s.commands);
    add_into(t.logins, s.logins);
    add_into(t.store, s.store);
    add_into(t.store_latency, s.store_latency);
    add_into(t.store_latency_ns, s.store_latency_ns);
  }
  return t;
}

}  // namespace tsna::metrics
