// fixture.hpp - what the hardening tests share: a fresh tsna-server process per test on
// 127.0.0.1 (own data directory), the CI/soak loop sizes, the server's VmRSS, measured figures.
#pragma once

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_client.hpp"

namespace tsna::testing {

inline constexpr std::string_view kHash123456 = "910f4aff69c6c642b3756489bb81a945";
inline constexpr std::string_view kHash123 = "b3358c3dc3c4b063dd668b7f6620c3d2";

// TSNA_SOAK=1 selects the long local runs; anything else the short CI ones.
inline bool soak_mode() {
  const char* v = std::getenv("TSNA_SOAK");
  return v != nullptr && std::string_view(v) == "1";
}
template <typename T>
T ci_or_soak(T ci, T soak) {
  return soak_mode() ? soak : ci;
}

// Memory bounds are about the server's own heap; under AddressSanitizer every allocation carries
// redzones and freed blocks sit in a quarantine (256 MiB by default), so bounds are scaled.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif
inline constexpr long kKibPerMib = 1024;  // VmRSS is in KiB

// The resident set of process `pid` in KiB (VmRSS in /proc/PID/status), or -1.
inline long vm_rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::strtol(line.c_str() + 6, nullptr, 10);
    }
  }
  return -1;
}

// Raises this process's soft open-file limit to at least `want` (up to the hard limit); returns
// the soft limit now in force.
inline rlim_t raise_open_file_limit(rlim_t want) {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < want) {
    lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : std::min(want, lim.rlim_max);
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  return lim.rlim_cur;
}

// A figure a test measured: in the XML report (--gtest_output) and on stdout.
inline void record_figure(const std::string& key, const std::string& value) {
  ::testing::Test::RecordProperty(key, value);
  std::printf("[ measured ] %s = %s\n", key.c_str(), value.c_str());
  std::fflush(stdout);
}

class HardeningTest : public ::testing::Test {
 protected:
  // Starts tsna-server --bind 127.0.0.1 --port 0 --data-dir DATA with `args` on top.
  void start(std::vector<std::string> args = {}) {
    server_ = std::make_unique<ServerProcess>(data_dir(), std::move(args));
  }
  // On failure, shows what the server wrote to stderr (a sanitizer report, an exception).
  void TearDown() override {
    if (HasFailure() && server_) {
      const std::string err = server_->stderr_text();
      std::printf("---- tsna-server stderr (%zu bytes) ----\n%s\n", err.size(),
                  err.substr(0, 8192).c_str());
    }
    server_.reset();
  }

  std::filesystem::path data_dir() const { return dir_.path() / "data"; }
  std::uint16_t port() const { return server_->port(); }
  ServerProcess& server() { return *server_; }
  long server_rss_kib() const { return vm_rss_kib(server_->pid()); }

  // A TSNA/2 connection from 127.0.0.1 that has been upgraded.
  std::unique_ptr<TestClient> tsna2() {
    auto c = std::make_unique<TestClient>(port());
    c->upgrade();
    return c;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

// The logged-out help reply in TSNA/2 framing (SPEC 1.2).
inline constexpr std::string_view kHelpLoggedOut =
    "200-Available commends: \n200-\t?\n200-\thelp\n200-\texit\n200-\tlogin {name} {password}\n"
    "200:\tregister {name} {password}\n";

}  // namespace tsna::testing
