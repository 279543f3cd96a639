// service_notify_test.cpp - the notify datagram (server/service_notify.hpp) reaches a socket
// named by $NOTIFY_SOCKET, as a path or an abstract name, and tsna-server under such a
// stand-in for systemd (SPEC 7): READY=1 with its STATUS once the port accepts connections,
// RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 on SIGTERM.
#include "server/service_notify.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <thread>

#include "fixture.hpp"
#include "support/notify_listener.hpp"

namespace tsna::testing {
namespace {

class NotifyServiceManager : public ::testing::Test {
 protected:
  void TearDown() override { ::unsetenv("NOTIFY_SOCKET"); }
};

TEST_F(NotifyServiceManager, MessageReachesASocketNamedByAPath) {
  TempDir dir;
  NotifyListener listener((dir.path() / "notify").string());
  ::setenv("NOTIFY_SOCKET", listener.address().c_str(), 1);
  EXPECT_EQ(notify_service_manager("READY=1\nSTATUS=listening on 127.0.0.1:6016"), std::nullopt);
  EXPECT_EQ(listener.receive(), "READY=1\nSTATUS=listening on 127.0.0.1:6016");
}

TEST_F(NotifyServiceManager, MessageReachesAnAbstractSocketNamedWithAnAt) {
  const std::string name = "@tsna-notify-test-" + std::to_string(::getpid());
  NotifyListener listener(name);
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  EXPECT_EQ(notify_service_manager("STOPPING=1"), std::nullopt);
  EXPECT_EQ(listener.receive(), "STOPPING=1");
}

TEST_F(NotifyServiceManager, WithoutTheVariableNothingIsSentAndThatIsNoError) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_EQ(notify_service_manager("READY=1"), std::nullopt);
  ::setenv("NOTIFY_SOCKET", "", 1);
  EXPECT_EQ(notify_service_manager("READY=1"), std::nullopt);
}

TEST_F(NotifyServiceManager, RelativePathIsRefusedWithTheReason) {
  ::setenv("NOTIFY_SOCKET", "run/notify", 1);
  EXPECT_EQ(notify_service_manager("READY=1"),
            "NOTIFY_SOCKET=run/notify: not an absolute path or an @abstract name that fits a "
            "unix socket address");
}

TEST_F(NotifyServiceManager, SocketThatIsGoneIsReportedWithTheSystemError) {
  TempDir dir;
  const std::string path = (dir.path() / "nobody-listens").string();
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  EXPECT_EQ(notify_service_manager("READY=1"), path + ": No such file or directory");
}

constexpr std::string_view kReadyPrefix = "READY=1\nSTATUS=listening on 127.0.0.1:";

class ServiceNotify : public ::testing::Test {
 protected:
  void TearDown() override { ::unsetenv("NOTIFY_SOCKET"); }

  // Starts the server with $NOTIFY_SOCKET naming `listener`, without waiting for its stdout:
  // the notification alone says when it is ready.
  std::unique_ptr<ServerProcess> start_under(const NotifyListener& listener) {
    ::setenv("NOTIFY_SOCKET", listener.address().c_str(), 1);
    auto server = std::make_unique<ServerProcess>(ServerLaunch{
        {"--bind", "127.0.0.1", "--port", "0", "--data-dir", (dir_.path() / "data").string()},
        dir_.path() / "server.stderr",
        false});
    ::unsetenv("NOTIFY_SOCKET");
    return server;
  }

  // The port a READY message names, or 0 when the message is not one.
  static std::uint16_t ready_port(const std::optional<std::string>& message) {
    if (!message || !message->starts_with(kReadyPrefix)) {
      return 0;
    }
    return static_cast<std::uint16_t>(std::stoi(message->substr(kReadyPrefix.size())));
  }

  TempDir dir_;
};

TEST_F(ServiceNotify, ReadyComesOnceThePortAcceptsAndStoppingOnSigterm) {
  NotifyListener listener((dir_.path() / "notify").string());
  auto server = start_under(listener);
  const std::optional<std::string> ready = listener.receive();
  const std::uint16_t port = ready_port(ready);
  ASSERT_NE(port, 0) << ready.value_or("(nothing)");
  EXPECT_EQ(*ready, std::string(kReadyPrefix) + std::to_string(port));

  // Frozen at the moment it said ready, the server must already listen: the kernel completes
  // the connection on a listening socket without the process.
  ASSERT_EQ(::kill(server->pid(), SIGSTOP), 0);
  std::unique_ptr<TestClient> client;
  EXPECT_NO_THROW(client = std::make_unique<TestClient>(port));
  ASSERT_EQ(::kill(server->pid(), SIGCONT), 0);
  ASSERT_TRUE(client);
  EXPECT_EQ(client->read_exact(7), "success");

  EXPECT_EQ(server->stop(), 0);  // SIGTERM
  EXPECT_EQ(listener.receive(), "STOPPING=1\nSTATUS=stopping");
}

TEST_F(ServiceNotify, AbstractSocketGetsReloadingThenReadyAroundSighup) {
  NotifyListener listener("@tsna-test-notify-" + std::to_string(::getpid()));
  auto server = start_under(listener);
  const std::optional<std::string> ready = listener.receive();
  ASSERT_NE(ready_port(ready), 0) << ready.value_or("(nothing)");

  ASSERT_EQ(::kill(server->pid(), SIGHUP), 0);
  const std::optional<std::string> reloading = listener.receive();
  ASSERT_TRUE(reloading);
  const std::string prefix = "RELOADING=1\nMONOTONIC_USEC=";
  ASSERT_TRUE(reloading->starts_with(prefix)) << *reloading;
  const std::string usec = reloading->substr(prefix.size());
  EXPECT_FALSE(usec.empty());
  EXPECT_EQ(usec.find_first_not_of("0123456789"), std::string::npos) << usec;
  EXPECT_EQ(listener.receive(), *ready);  // ready again, with the same status

  EXPECT_EQ(server->stop(), 0);
  EXPECT_EQ(listener.receive(), "STOPPING=1\nSTATUS=stopping");
}

TEST_F(ServiceNotify, UnusableNotifySocketIsReportedAndTheServerRunsOn) {
  ::setenv("NOTIFY_SOCKET", "relative/notify", 1);
  ServerProcess server(ServerLaunch{
      {"--bind", "127.0.0.1", "--port", "0", "--data-dir", (dir_.path() / "data").string()},
      dir_.path() / "server.stderr"});
  ::unsetenv("NOTIFY_SOCKET");
  TestClient c(server.port());
  EXPECT_EQ(c.read_exact(7), "success");
  for (int i = 0; i < 500 && server.stderr_text().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // it tells after its stdout line
  }
  EXPECT_EQ(
      server.stderr_text(),
      "tsna-server: warning: cannot notify the service manager: NOTIFY_SOCKET=relative/notify: "
      "not an absolute path or an @abstract name that fits a unix socket address\n");
}

}  // namespace
}  // namespace tsna::testing
