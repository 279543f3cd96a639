// connection_test.cpp - the client's connection over a socketpair (SPEC 1): greeting, upgrade,
// both framings, refusals and time limits, with the server side scripted in the test.
#include "client/connection.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "fake_server.hpp"

namespace tsna::client {
namespace {

using std::chrono::milliseconds;
using testing::FakePeer;

// A client Connection on one end of a socketpair and the test's peer on the other.
struct Pair {
  std::unique_ptr<Connection> client;
  int server_fd = -1;
  Pair(Dialect dialect, milliseconds timeout = milliseconds(5000)) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    client = std::make_unique<Connection>(std::make_unique<TcpStream>(fds[0]), dialect, timeout);
    server_fd = fds[1];
  }
  ~Pair() {
    if (server_fd >= 0) {
      close(server_fd);
    }
  }
  void close_server() {
    close(server_fd);
    server_fd = -1;
  }
};

TEST(Connection, GreetingSuccessIsAccepted) {
  Pair p(Dialect::kTsna2);
  FakePeer server(p.server_fd);
  server.send("success");
  EXPECT_TRUE(p.client->read_greeting().ok());
}

TEST(Connection, GreetingThatIsARefusalReportsTheServersReply) {
  Pair p(Dialect::kTsna2);
  FakePeer server(p.server_fd);
  server.send("400:Too many connections");
  p.close_server();
  const IoResult r = p.client->read_greeting();
  EXPECT_EQ(r.status, IoStatus::kProtocol);
  EXPECT_EQ(r.detail, "400:Too many connections");
}

TEST(Connection, UpgradeSendsHelloAndAcceptsTsna2) {
  Pair p(Dialect::kTsna2);
  FakePeer server(p.server_fd);
  std::thread t([&] {
    EXPECT_EQ(server.read_until("\n"), "hello TSNA/2\n");
    server.send("200:TSNA/2\n");
  });
  EXPECT_TRUE(p.client->upgrade().ok());
  t.join();
}

TEST(Connection, UpgradeAnsweredInTheClassicDialectSaysUseClassic) {
  Pair p(Dialect::kTsna2);
  FakePeer server(p.server_fd);
  std::thread t([&] {
    server.read_until("\n");
    server.send("400:Invalid command");  // the seed's server: no line end
  });
  const IoResult r = p.client->upgrade();
  t.join();
  EXPECT_EQ(r.status, IoStatus::kProtocol);
  EXPECT_EQ(r.detail,
            "The server does not speak TSNA/2 (is it the seed's server? then use --classic)");
}

TEST(Connection, Tsna2RequestIsOneLine) {
  Pair p(Dialect::kTsna2);
  FakePeer server(p.server_fd);
  ASSERT_TRUE(p.client->send_request("sum 1 2").ok());
  EXPECT_EQ(server.read_until("\n"), "sum 1 2\n");
}

TEST(Connection, ClassicRequestHasNoTerminator) {
  Pair p(Dialect::kClassic);
  FakePeer server(p.server_fd);
  ASSERT_TRUE(p.client->send_request("sum 1 2").ok());
  EXPECT_EQ(server.read_exact(7), "sum 1 2");
  EXPECT_EQ(server.read_exact(1, milliseconds(50)), "");
}

TEST(Connection, Tsna2MultiLineReplyIsAssembled) {
  Pair p(Dialect::kTsna2);
  FakePeer server(p.server_fd);
  server.send("200-a \n200-\tb\n200:\tc\n200:next\n");
  Reply r;
  ASSERT_TRUE(p.client->read_reply(r).ok());
  EXPECT_EQ(format_reply(r), "200:a \n\tb\n\tc");
  ASSERT_TRUE(p.client->read_reply(r).ok());
  EXPECT_EQ(format_reply(r), "200:next");
}

TEST(Connection, ClassicReplyIsWhatOneReadBrings) {
  Pair p(Dialect::kClassic);
  FakePeer server(p.server_fd);
  server.send("200:Available commends: \n\t?");
  Reply r;
  ASSERT_TRUE(p.client->read_reply(r).ok());
  EXPECT_EQ(format_reply(r), "200:Available commends: \n\t?");
}

TEST(Connection, SilentServerTimesOut) {
  Pair p(Dialect::kTsna2, milliseconds(100));
  const auto start = std::chrono::steady_clock::now();
  Reply r;
  EXPECT_EQ(p.client->read_reply(r).status, IoStatus::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

TEST(Connection, ServerClosingIsReportedAsClosed) {
  Pair p(Dialect::kTsna2);
  p.close_server();
  Reply r;
  EXPECT_EQ(p.client->read_reply(r).status, IoStatus::kClosed);
}

TEST(Connection, GarbageInsteadOfAReplyIsAProtocolError) {
  Pair p(Dialect::kTsna2);
  FakePeer server(p.server_fd);
  server.send("hello there\n");
  Reply r;
  EXPECT_EQ(p.client->read_reply(r).status, IoStatus::kProtocol);
}

}  // namespace
}  // namespace tsna::client
