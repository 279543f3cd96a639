// proc_status.cpp - reads and parses /proc/PID/status.
#include "bench/proc_status.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace tsna::bench {

std::optional<std::uint64_t> parse_vm_rss(std::string_view text) {
  constexpr std::string_view kKey = "VmRSS:";
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      nl = text.size();
    }
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.starts_with(kKey)) {
      continue;
    }
    line.remove_prefix(kKey.size());
    const std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
      return std::nullopt;
    }
    line.remove_prefix(start);
    std::uint64_t kib = 0;
    const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), kib);
    if (ec != std::errc() || std::string_view(end, line.data() + line.size()) != " kB") {
      return std::nullopt;
    }
    return kib * 1024;
  }
  return std::nullopt;
}

namespace {

std::optional<std::string> read_proc(pid_t pid, const char* file) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<std::uint64_t> read_rss_bytes(pid_t pid) {
  const std::optional<std::string> text = read_proc(pid, "status");
  return text ? parse_vm_rss(*text) : std::nullopt;
}

std::optional<std::uint64_t> parse_cpu_ticks(std::string_view text) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields from the
  // last ')'. Field 3 (state) is the first after it; utime and stime are fields 14 and 15.
  const std::size_t paren = text.rfind(')');
  if (paren == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(paren + 1);
  std::uint64_t ticks = 0;
  for (int field = 3; field <= 15; ++field) {
    const std::size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) {
      return std::nullopt;
    }
    rest.remove_prefix(start);
    const std::size_t end = std::min(rest.find_first_of(" \n"), rest.size());
    if (field >= 14) {
      std::uint64_t v = 0;
      const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + end, v);
      if (ec != std::errc() || ptr != rest.data() + end) {
        return std::nullopt;
      }
      ticks += v;
    }
    rest.remove_prefix(end);
  }
  return ticks;
}

std::optional<double> read_cpu_seconds(pid_t pid) {
  const std::optional<std::string> text = read_proc(pid, "stat");
  const std::optional<std::uint64_t> ticks = text ? parse_cpu_ticks(*text) : std::nullopt;
  if (!ticks) {
    return std::nullopt;
  }
  return static_cast<double>(*ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace tsna::bench
