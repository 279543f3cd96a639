// proc_status.hpp - a process's resident set size (/proc/PID/status VmRSS) and CPU time
// (/proc/PID/stat), for memory per idle connection and CPU per command. Linux only; no asio.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace tsna::bench {

// The VmRSS line of a /proc/PID/status text, in bytes; nullopt when absent or malformed.
std::optional<std::uint64_t> parse_vm_rss(std::string_view status_text);

// Reads /proc/PID/status; nullopt when the process is gone or the file unreadable.
std::optional<std::uint64_t> read_rss_bytes(pid_t pid);

// User plus system CPU time of all of a process's threads, in clock ticks, from the text of
// /proc/PID/stat (fields 14 and 15); nullopt when malformed.
std::optional<std::uint64_t> parse_cpu_ticks(std::string_view stat_text);

// The CPU time process `pid` has used so far, in seconds; nullopt when it is gone.
std::optional<double> read_cpu_seconds(pid_t pid);

// The CPU time this process has used so far (getrusage), in seconds.
double own_cpu_seconds();

}  // namespace tsna::bench
