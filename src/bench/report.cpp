// report.cpp - text and JSON renderings of a BenchResult.
#include "bench/report.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

namespace tsna::bench {
namespace {

void appendf(std::string& out, const char* format, ...) __attribute__((format(printf, 2, 3)));
void appendf(std::string& out, const char* format, ...) {
  char buf[512];
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  if (n > 0) {
    out.append(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
  }
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          appendf(out, "\\u%04x", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

double us(std::uint64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

double mib(std::uint64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

}  // namespace

const char* pattern_name(Pattern pattern) {
  return pattern == Pattern::kBatch ? "batch" : "window";
}

const char* target_name(Target target) {
  switch (target) {
    case Target::kTsna2:
      return "tsna2";
    case Target::kClassic:
      return "classic";
    case Target::kRedis:
      return "redis";
  }
  return "?";
}

double BenchResult::commands_per_second() const {
  return measured_seconds > 0 ? static_cast<double>(commands) / measured_seconds : 0.0;
}

double BenchResult::logins_per_second() const {
  const double s = options.mode == Mode::kLogins ? measured_seconds : login_seconds;
  return s > 0 ? static_cast<double>(logins) / s : 0.0;
}

std::optional<double> BenchResult::bytes_per_idle_connection() const {
  if (!rss_before_idle || !rss_after_idle || idle_open == 0) {
    return std::nullopt;
  }
  return (static_cast<double>(*rss_after_idle) - static_cast<double>(*rss_before_idle)) /
         static_cast<double>(idle_open);
}

namespace {

double ops(const BenchResult& r) {
  return static_cast<double>(r.options.mode == Mode::kLogins ? r.logins : r.commands);
}

}  // namespace

std::optional<double> BenchResult::server_cpu_us_per_op() const {
  if (!server_cpu_seconds || ops(*this) == 0) {
    return std::nullopt;
  }
  return *server_cpu_seconds * 1e6 / ops(*this);
}

double BenchResult::client_cpu_us_per_op() const {
  return ops(*this) == 0 ? 0.0 : client_cpu_seconds * 1e6 / ops(*this);
}

std::string format_text(const BenchResult& r) {
  const BenchOptions& o = r.options;
  std::string out;
  const bool logins = o.mode == Mode::kLogins;
  appendf(out, "tsna-bench: %s %s:%u, ", target_name(o.target), o.host.c_str(), o.port);
  if (logins) {
    appendf(out, "login rate, %zu concurrent", o.concurrency);
  } else {
    appendf(out, "%zu connections x depth %zu (%s)", o.connections, o.depth,
            pattern_name(o.pattern));
  }
  appendf(out, ", %zu idle, %zu thread%s, %.1f s (+%.1f s warmup)\n", o.idle, o.threads,
          o.threads == 1 ? "" : "s", r.measured_seconds, o.warmup);
  if (!logins) {
    appendf(out, "commands:     %llu (%.1f/s)\n", static_cast<unsigned long long>(r.commands),
            r.commands_per_second());
    appendf(out, "logins:       %llu at setup in %.3f s (%.1f/s)\n",
            static_cast<unsigned long long>(r.logins), r.login_seconds, r.logins_per_second());
  } else {
    appendf(out, "logins:       %llu (%.1f/s)\n", static_cast<unsigned long long>(r.logins),
            r.logins_per_second());
  }
  appendf(out, "latency (us): p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f  (%s)\n",
          us(r.latency.percentile(50)), us(r.latency.percentile(99)),
          us(r.latency.percentile(99.9)), us(r.latency.max()), r.latency.mean() / 1000.0,
          logins ? "per whole login" : "per command");
  appendf(out, "errors:       %llu replies 400, %llu connection failures\n",
          static_cast<unsigned long long>(r.replies_400),
          static_cast<unsigned long long>(r.connection_failures));
  if (!r.first_error.empty()) {
    appendf(out, "first error:  %s\n", r.first_error.c_str());
  }
  const char* per = logins ? "login" : "command";
  if (const auto server = r.server_cpu_us_per_op()) {
    appendf(out, "CPU:          server %.2f s (%.2f us per %s), client %.2f s (%.2f us per %s)\n",
            *r.server_cpu_seconds, *server, per, r.client_cpu_seconds, r.client_cpu_us_per_op(),
            per);
  } else {
    appendf(out, "CPU:          client %.2f s (%.2f us per %s)\n", r.client_cpu_seconds,
            r.client_cpu_us_per_op(), per);
  }
  if (r.rss_before_idle && r.rss_after_idle) {
    appendf(out, "server RSS:   %.2f MiB before %zu idle connections, %.2f MiB after",
            mib(*r.rss_before_idle), r.idle_open, mib(*r.rss_after_idle));
    if (const auto per = r.bytes_per_idle_connection()) {
      appendf(out, ": %.0f bytes per idle connection", *per);
    }
    out += '\n';
  }
  if (r.rss_end) {
    appendf(out, "server RSS:   %.2f MiB at the end\n", mib(*r.rss_end));
  }
  return out;
}

std::string format_json(const BenchResult& r) {
  const BenchOptions& o = r.options;
  std::string out = "{";
  appendf(out, "\"target\":\"%s\",\"mode\":\"%s\",\"host\":", target_name(o.target),
          o.mode == Mode::kLogins ? "logins" : "commands");
  append_json_string(out, o.host);
  appendf(out,
          ",\"port\":%u,\"connections\":%zu,\"concurrency\":%zu,\"depth\":%zu,\"pattern\":\"%s\",",
          o.port, o.connections, o.concurrency, o.depth, pattern_name(o.pattern));
  appendf(out, "\"idle\":%zu,\"idle_open\":%zu,\"threads\":%zu,\"users\":%zu,\"commands_sent\":[",
          o.idle, r.idle_open, o.threads, r.users);
  if (o.target == Target::kRedis) {
    append_json_string(out, "PING");
  } else {
    const std::vector<std::string> mix = effective_commands(o);
    for (std::size_t i = 0; i < mix.size(); ++i) {
      if (i != 0) {
        out += ',';
      }
      append_json_string(out, mix[i]);
    }
  }
  appendf(out, "],\"warmup_s\":%.3f,\"seconds\":%.3f,\"connections_ready\":%zu,", o.warmup,
          r.measured_seconds, r.connections_ready);
  appendf(out, "\"commands\":%llu,\"commands_per_s\":%.1f,",
          static_cast<unsigned long long>(r.commands), r.commands_per_second());
  appendf(out, "\"logins\":%llu,\"logins_per_s\":%.1f,", static_cast<unsigned long long>(r.logins),
          r.logins_per_second());
  appendf(out,
          "\"latency_us\":{\"count\":%llu,\"p50\":%.1f,\"p99\":%.1f,\"p99_9\":%.1f,\"max\":%.1f,"
          "\"mean\":%.1f},",
          static_cast<unsigned long long>(r.latency.count()), us(r.latency.percentile(50)),
          us(r.latency.percentile(99)), us(r.latency.percentile(99.9)), us(r.latency.max()),
          r.latency.mean() / 1000.0);
  appendf(out, "\"errors\":{\"replies_400\":%llu,\"connection_failures\":%llu,\"first\":",
          static_cast<unsigned long long>(r.replies_400),
          static_cast<unsigned long long>(r.connection_failures));
  if (r.first_error.empty()) {
    out += "null";
  } else {
    append_json_string(out, r.first_error);
  }
  out += "},\"cpu\":{\"server_s\":";
  if (r.server_cpu_seconds) {
    appendf(out, "%.3f,\"server_us_per_op\":%.3f", *r.server_cpu_seconds,
            r.server_cpu_us_per_op().value_or(0.0));
  } else {
    out += "null,\"server_us_per_op\":null";
  }
  appendf(out, ",\"client_s\":%.3f,\"client_us_per_op\":%.3f}", r.client_cpu_seconds,
          r.client_cpu_us_per_op());
  out += ",\"server_rss\":";
  if (r.rss_before_idle || r.rss_after_idle || r.rss_end) {
    const auto field = [&](const char* name, const std::optional<std::uint64_t>& v, bool comma) {
      if (v) {
        appendf(out, "\"%s\":%llu", name, static_cast<unsigned long long>(*v));
      } else {
        appendf(out, "\"%s\":null", name);
      }
      if (comma) {
        out += ',';
      }
    };
    out += '{';
    field("pid",
          o.server_pid ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(*o.server_pid))
                       : std::nullopt,
          true);
    field("before_idle", r.rss_before_idle, true);
    field("after_idle", r.rss_after_idle, true);
    field("end", r.rss_end, true);
    if (const auto per = r.bytes_per_idle_connection()) {
      appendf(out, "\"bytes_per_idle_connection\":%.1f}", *per);
    } else {
      out += "\"bytes_per_idle_connection\":null}";
    }
  } else {
    out += "null";
  }
  out += "}\n";
  return out;
}

}  // namespace tsna::bench
