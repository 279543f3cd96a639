// options.cpp - validation of tsna-bench's options against the hard caps and each other.
#include "bench/options.hpp"

#include <algorithm>
#include <cmath>

namespace tsna::bench {

std::optional<std::string> validate(const BenchOptions& o) {
  if (o.host.empty()) {
    return "--host must not be empty";
  }
  if (o.port == 0) {
    return "--port must be 1-65535";
  }
  if (!std::isfinite(o.seconds) || o.seconds <= 0) {
    return "--seconds must be more than 0";
  }
  if (!std::isfinite(o.warmup) || o.warmup < 0) {
    return "--warmup must not be negative";
  }
  if (o.seconds + o.warmup > kMaxSeconds) {
    return "--seconds plus --warmup must be at most 600";
  }
  if (!std::isfinite(o.setup_timeout) || o.setup_timeout <= 0 || o.setup_timeout > kMaxSeconds) {
    return "--setup-timeout must be more than 0 and at most 600";
  }
  if (o.threads == 0 || o.threads > kMaxThreads) {
    return "--threads must be 1-64";
  }
  if (o.depth == 0 || o.depth > kMaxDepth) {
    return "--depth must be 1-4096";
  }
  const std::size_t active = o.mode == Mode::kLogins ? o.concurrency : o.connections;
  if (active > kMaxTotalConnections || o.idle > kMaxTotalConnections ||
      active + o.idle > kMaxTotalConnections) {
    return "at most 20000 connections in all (active plus --idle)";
  }
  if (o.mode == Mode::kLogins) {
    if (o.concurrency == 0) {
      return "--concurrency must be at least 1";
    }
    if (o.target == Target::kRedis) {
      return "--logins cannot be used with --redis (Redis has no login here)";
    }
    if (o.depth != 1) {
      return "--depth cannot be used with --logins";
    }
  } else if (o.connections == 0 && o.idle == 0) {
    return "--connections must be at least 1 (or --idle must be given)";
  }
  if (o.target == Target::kClassic && o.depth != 1) {
    return "--classic cannot pipeline: classic replies have no terminator (--depth 1 only)";
  }
  if (o.target == Target::kRedis) {
    if (!o.commands.empty()) {
      return "--command cannot be used with --redis (it always sends PING)";
    }
  } else {
    for (const std::string& c : o.commands) {
      if (c.empty() || c.find_first_not_of(" \t") == std::string::npos) {
        return "--command must not be blank";
      }
      if (c.size() > kMaxCommandBytes) {
        return "--command must be at most 4096 bytes";
      }
      if (c.find_first_of("\r\n") != std::string::npos || c.find('\0') != std::string::npos) {
        return "--command must be one line (no CR, LF or NUL)";
      }
    }
  }
  std::size_t longest = 0;
  for (const std::string& c : o.commands) {
    longest = std::max(longest, c.size() + 1);
  }
  if (longest * o.depth > kMaxPipelineBytes) {
    return "--depth times the longest --command must be at most 256 KiB";
  }
  if (o.user_prefix.size() > 48 || o.user_prefix.find_first_of(" \t\r\n:") != std::string::npos) {
    return "--user-prefix must be at most 48 bytes with no whitespace or ':'";
  }
  if (o.users > kMaxTotalConnections) {
    return "--users must be at most 20000";
  }
  if (o.server_pid && *o.server_pid <= 0) {
    return "--server-pid must be a process id";
  }
  return std::nullopt;
}

std::vector<std::string> effective_commands(const BenchOptions& o) {
  if (o.commands.empty()) {
    return {kDefaultCommand};
  }
  return o.commands;
}

std::size_t effective_users(const BenchOptions& o) {
  if (o.target == Target::kRedis) {
    return 0;
  }
  if (o.mode == Mode::kLogins) {
    return o.concurrency;
  }
  if (o.connections == 0) {
    return 0;
  }
  const std::size_t wanted = o.users != 0 ? o.users : std::min<std::size_t>(o.connections, 100);
  return std::min(wanted, o.connections);
}

}  // namespace tsna::bench
