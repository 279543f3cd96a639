// fixture.hpp - a fresh tsna-server process per test (on 127.0.0.1, a free port, its own data
// directory) and the classic-dialect exchanges the integration tests share.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "auth/ntlm.hpp"
#include "support/server_process.hpp"
#include "support/shell_command.hpp"
#include "support/temp_dir.hpp"
#include "support/test_client.hpp"

namespace tsna::testing {

inline constexpr std::string_view kHash123456 = "910f4aff69c6c642b3756489bb81a945";
inline constexpr std::string_view kHash123 = "b3358c3dc3c4b063dd668b7f6620c3d2";

// Runs tsna-server with `args` (not waiting for a "listening on" line), capturing stdout and
// stderr together.
inline CommandResult run_server_command(const std::string& args) {
  return run_shell(server_binary().string() + " " + args + " 2>&1");
}

class ServerTest : public ::testing::Test {
 protected:
  // Starts the server with `args` (on top of --bind 127.0.0.1 --port 0 --data-dir).
  void start(std::vector<std::string> args = {"--allow-classic"}) {
    server_ = std::make_unique<ServerProcess>(data_dir(), std::move(args));
  }
  void TearDown() override { server_.reset(); }

  std::filesystem::path data_dir() const { return dir_.path() / "data"; }
  std::uint16_t port() const { return server_->port(); }
  ServerProcess& server() { return *server_; }

  // A connected client that has read the greeting.
  std::unique_ptr<TestClient> classic() {
    auto c = std::make_unique<TestClient>(port());
    EXPECT_EQ(c->read_exact(7), "success");
    return c;
  }
  std::unique_ptr<TestClient> tsna2() {
    auto c = std::make_unique<TestClient>(port());
    c->upgrade();
    return c;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

// Sends one classic message and checks the exact reply bytes, and that nothing else follows.
inline void expect_classic(TestClient& c, std::string_view request, std::string_view reply) {
  c.send(request);
  EXPECT_EQ(c.read_exact(reply.size()), reply) << "request: " << request;
  EXPECT_EQ(c.read_available(std::chrono::milliseconds(30)), "") << "request: " << request;
}

// The seed client's login: `login NAME HASH`, 8 raw challenge bytes, 32 raw HMAC bytes.
inline std::string classic_login(TestClient& c, std::string_view user, std::string_view hash,
                                 std::string_view answer_hash = {}) {
  c.send("login " + std::string(user) + " " + std::string(hash));
  const std::string challenge = c.read_exact(8);
  if (challenge.size() != 8 || challenge.rfind("400:", 0) == 0) {
    return challenge + c.read_available(std::chrono::milliseconds(30));
  }
  const auth::Digest answer =
      auth::classic_response(answer_hash.empty() ? hash : answer_hash,
                             std::span(reinterpret_cast<const std::uint8_t*>(challenge.data()), 8));
  c.send(std::string_view(reinterpret_cast<const char*>(answer.data()), answer.size()));
  return c.read_available(std::chrono::milliseconds(50));
}

}  // namespace tsna::testing
