// cluster_test.cpp - tsna-server nodes (real processes on 127.0.0.1, free ports) sharing one real
// PostgreSQL with --store: read-your-writes across nodes, one winner per name, the cluster's
// throttle and decoy salt, the database stopped and started mid-run, and kill -9 of a node.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "auth/scram_verifier.hpp"
#include "pg_fixture.hpp"
#include "support/haproxy_process.hpp"
#include "support/http_client.hpp"
#include "support/scram_steps.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_client.hpp"

namespace tsna::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kHash123456 = "910f4aff69c6c642b3756489bb81a945";
constexpr std::string_view kHash123 = "b3358c3dc3c4b063dd668b7f6620c3d2";

class Cluster : public ::testing::Test {
 protected:
  void SetUp() override { uri_ = pg().create_database(); }

  // Starts n nodes on the test's database, each with its own data directory (audit log).
  void start(int n) {
    for (int i = 0; i < n; ++i) {
      const std::filesystem::path dir = dir_.path() / ("node" + std::to_string(nodes_.size()));
      nodes_.push_back(
          std::make_unique<ServerProcess>(dir, std::vector<std::string>{"--store", uri_}));
    }
  }
  std::unique_ptr<TestClient> client(std::size_t node) {
    auto c = std::make_unique<TestClient>(nodes_.at(node)->port());
    c->upgrade();
    return c;
  }
  // The salt (base64) of the server-first message a node answers `auth` for `user` with; the
  // reply is "300:<server-first in base64>".
  std::string salt_from(std::size_t node, std::string_view user) {
    auto c = client(node);
    ScramSteps steps(user, kHash123456);
    c->send(steps.auth_line());
    const std::string reply = c->read_reply();
    if (!reply.starts_with("300:") || !reply.ends_with("\n")) {
      return reply;
    }
    const auto bytes = auth::from_base64(std::string_view(reply).substr(4, reply.size() - 5));
    const std::string first = bytes ? std::string(bytes->begin(), bytes->end()) : reply;
    const std::size_t s = first.find(",s=");
    const std::size_t end = first.find(",i=", s);
    return s == std::string::npos || end == std::string::npos ? first
                                                              : first.substr(s + 3, end - s - 3);
  }

  TempDir dir_;
  std::string uri_;
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
};

TEST_F(Cluster, ARegisterOnOneNodeLogsInOnAnotherAndAChangedPasswordFailsThere) {
  start(2);
  auto a = client(0);
  ASSERT_EQ(a->tsna2_register("alice", kHash123456), "200:Your Registered Username is alice\n");
  EXPECT_EQ(client(1)->tsna2_login("alice", kHash123456), "200:login is successful\n");
  ASSERT_EQ(a->tsna2_login("alice", kHash123456), "200:login is successful\n");
  a->send("changepwd " + std::string(kHash123) + "\n");
  ASSERT_EQ(a->read_reply(), "200:Successfully changed password\n");
  EXPECT_EQ(client(1)->tsna2_login("alice", kHash123456), "400:Authentication Failed!\n");
  EXPECT_EQ(client(1)->tsna2_login("alice", kHash123), "200:login is successful\n");
}

TEST_F(Cluster, OneNameRegisteredOnThreeNodesAtOnceHasExactlyOneWinner) {
  start(3);
  constexpr int kPerNode = 4;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 3 * kPerNode; ++i) {
    clients.push_back(client(static_cast<std::size_t>(i % 3)));
  }
  std::vector<std::string> replies(clients.size());
  std::latch go(static_cast<std::ptrdiff_t>(clients.size()));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      replies[i] = clients[i]->tsna2_register("carol", kHash123456);
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  int won = 0;
  int taken = 0;
  for (const std::string& r : replies) {
    won += r == "200:Your Registered Username is carol\n" ? 1 : 0;
    taken += r == "400:Username is already in users!\n" ? 1 : 0;
  }
  EXPECT_EQ(won, 1);
  EXPECT_EQ(taken, 3 * kPerNode - 1);
}

TEST_F(Cluster, FiveFailedLoginsSpreadOverTheNodesThrottleTheNameOnEveryNode) {
  start(3);
  ASSERT_EQ(client(0)->tsna2_register("bob", kHash123456), "200:Your Registered Username is bob\n");
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(client(i % 3)->tsna2_login("bob", kHash123), "400:Authentication Failed!\n");
  }
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(client(i)->tsna2_login("bob", kHash123456),
              "400:Too many failed logins, try again in 1 s\n");
  }
}

TEST_F(Cluster, AnUnknownNameGetsTheSameSaltFromEveryNode) {
  start(2);
  const std::string salt = salt_from(0, "nobody");
  EXPECT_EQ(salt.size(), 24u) << salt;  // 16 bytes in base64
  EXPECT_EQ(salt_from(1, "nobody"), salt);
  EXPECT_NE(salt_from(1, "someone"), salt);
}

TEST_F(Cluster, WithTheDatabaseDownLoginsAreRefusedAtOnceCommandsRunAndLoginsComeBack) {
  start(1);
  ASSERT_EQ(client(0)->tsna2_register("dave", kHash123456),
            "200:Your Registered Username is dave\n");
  auto session = client(0);
  ASSERT_EQ(session->tsna2_login("dave", kHash123456), "200:login is successful\n");

  pg().stop();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(client(0)->tsna2_login("dave", kHash123456),
            "400:Service unavailable, try again later\n");
  const auto refused_in = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(refused_in, 2s);
  EXPECT_EQ(client(0)->tsna2_register("erin", kHash123456),
            "400:Service unavailable, try again later\n");
  session->send("sum 1 2\n");
  EXPECT_EQ(session->read_reply(), "200:3.0\n");

  pg().start();
  const auto t1 = std::chrono::steady_clock::now();
  std::string reply;
  while (std::chrono::steady_clock::now() - t1 < 5s) {
    reply = client(0)->tsna2_login("dave", kHash123456);
    if (reply == "200:login is successful\n") {
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(reply, "200:login is successful\n");
  const auto recovered_in = std::chrono::steady_clock::now() - t1;
  // The figures the issue asks for (docs/PERFORMANCE.md quotes a run).
  std::printf(
      "[ figures  ] refused in %lld ms with the database down; logins back %lld ms after "
      "it started\n",
      static_cast<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(refused_in).count()),
      static_cast<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(recovered_in).count()));
  session->send("sum 1 2\n");
  EXPECT_EQ(session->read_reply(), "200:3.0\n");
}

// What HAProxy's `option httpchk GET /health` (with `check port` on --metrics) sees: a node that
// cannot reach the shared store says so, and says it is well again once the database is back.
TEST_F(Cluster, HealthIsServiceUnavailableWhileTheDatabaseIsDownAndOkOnceItIsBack) {
  const std::filesystem::path dir = dir_.path() / "node-health";
  nodes_.push_back(std::make_unique<ServerProcess>(
      dir, std::vector<std::string>{"--store", uri_, "--metrics", "127.0.0.1:0"}));
  const std::uint16_t port = nodes_.back()->metrics_port();
  const std::string ok_head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
      "3\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(http_get(port, "/health").head, ok_head);

  pg().stop();
  // The node learns of the loss on its next use of the store (a login) or its pool's retry.
  EXPECT_EQ(client(0)->tsna2_login("nobody", kHash123456),
            "400:Service unavailable, try again later\n");
  const HttpResponse down = http_get(port, "/health");
  EXPECT_TRUE(down.head.starts_with("HTTP/1.1 503 Service Unavailable\r\n")) << down.head;
  EXPECT_EQ(down.body, "store unavailable\n");

  pg().start();
  const auto t0 = std::chrono::steady_clock::now();
  std::string head;
  while (std::chrono::steady_clock::now() - t0 < 5s) {
    head = http_get(port, "/health").head;
    if (head == ok_head) {
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(head, ok_head) << "healthy again within 5 s of the database's return, no traffic";
}

// The node's connections to the database end under it (backends terminated, as when an operator
// or a failover ends them): the event loop's own connection and the store threads' pool both
// notice, the lookups caught by the break are asked again, and no login fails.
TEST_F(Cluster, EveryLoginSucceedsWhileTheNodesDatabaseConnectionsAreTerminatedUnderIt) {
  start(1);
  ASSERT_EQ(client(0)->tsna2_register("gina", kHash123456),
            "200:Your Registered Username is gina\n");
  int terminated = 0;
  for (int i = 0; i < 30; ++i) {
    if (i % 6 == 3) {
      terminated +=
          std::stoi(pg().psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE application_name = 'tsna-server'"));
    }
    EXPECT_EQ(client(0)->tsna2_login("gina", kHash123456), "200:login is successful\n")
        << "login " << i;
  }
  EXPECT_GE(terminated, 5);
}

TEST_F(Cluster, AKill9OfANodeLosesNoAcknowledgedRegistration) {
  start(2);
  constexpr int kUsers = 20;
  std::atomic<bool> stop{false};
  // A writer registers users on node 0 while the test kills it; every "200" it got must hold.
  std::mutex mutex;
  std::vector<std::string> acknowledged;  // guarded by mutex
  std::atomic<std::size_t> count{0};
  std::thread writer([&] {
    for (int i = 0; i < 1000 && !stop.load(); ++i) {
      try {
        auto c = client(0);
        const std::string name = "user" + std::to_string(i);
        if (c->tsna2_register(name, kHash123456) ==
            "200:Your Registered Username is " + name + "\n") {
          const std::lock_guard lock(mutex);
          acknowledged.push_back(name);
          count = acknowledged.size();
        }
      } catch (const std::exception&) {
        return;  // the node is gone
      }
    }
  });
  for (int i = 0; i < 500 && count.load() < kUsers; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  nodes_[0]->kill9();
  stop = true;
  writer.join();
  ASSERT_GE(acknowledged.size(), static_cast<std::size_t>(kUsers));
  std::printf("[ figures  ] %zu registrations acknowledged by the node killed with -9\n",
              acknowledged.size());
  for (const std::string& name : acknowledged) {
    EXPECT_EQ(client(1)->tsna2_login(name, kHash123456), "200:login is successful\n") << name;
  }
}

// kill -9 of a node behind a real HAProxy: the clients it served reconnect through the balancer,
// land on the surviving node and log in again; every user registered through the balancer
// before the kill logs in there.
TEST_F(Cluster, AfterAKill9BehindHaproxyItsClientsReconnectToTheOtherNodeAndLogIn) {
  for (int i = 0; i < 2; ++i) {
    nodes_.push_back(std::make_unique<ServerProcess>(
        dir_.path() / ("lb-node" + std::to_string(i)),
        std::vector<std::string>{"--store", uri_, "--proxy-protocol-from", "127.0.0.1/32"}));
  }
  const std::uint16_t frontend = unused_port();
  std::string config =
      haproxy_config(frontend, {nodes_[0]->port(), nodes_[1]->port()}, "send-proxy-v2");
  // As deploy/haproxy.cfg: a connection whose node refuses it is retried on another node.
  config.replace(config.find("defaults\n"), 9, "defaults\n    option redispatch\n    retries 2\n");
  HaproxyProcess haproxy(dir_.path(), config, frontend);

  // Round-robin: the registrations and the held sessions are spread over both nodes.
  constexpr int kUsers = 8;
  std::vector<std::unique_ptr<TestClient>> sessions;
  for (int i = 0; i < kUsers; ++i) {
    const std::string name = "lbuser" + std::to_string(i);
    auto c = std::make_unique<TestClient>(frontend, "127.0.0.5");
    c->upgrade();
    ASSERT_EQ(c->tsna2_register(name, kHash123456),
              "200:Your Registered Username is " + name + "\n");
    ASSERT_EQ(c->tsna2_login(name, kHash123456), "200:login is successful\n");
    sessions.push_back(std::move(c));
  }
  nodes_[0]->kill9();

  int dropped = 0;
  for (int i = 0; i < kUsers; ++i) {
    sessions[i]->send("sum 1 2\n");
    std::string reply;
    try {
      reply = sessions[i]->read_reply();
    } catch (const std::exception&) {
    }
    if (reply == "200:3.0\n") {
      continue;  // served by the node that lives
    }
    ++dropped;
    // The client reconnects through the balancer until it is logged in again (at most 5 s).
    const std::string name = "lbuser" + std::to_string(i);
    const auto t0 = std::chrono::steady_clock::now();
    std::string login;
    while (std::chrono::steady_clock::now() - t0 < 5s) {
      try {
        auto c = std::make_unique<TestClient>(frontend, "127.0.0.5");
        c->upgrade();
        login = c->tsna2_login(name, kHash123456);
        if (login == "200:login is successful\n") {
          c->send("sum 1 2\n");
          EXPECT_EQ(c->read_reply(), "200:3.0\n");
          break;
        }
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(login, "200:login is successful\n") << name;
  }
  EXPECT_GT(dropped, 0) << "round-robin put some sessions on the killed node";
  EXPECT_LT(dropped, kUsers) << "and some on the other";
}

}  // namespace
}  // namespace tsna::testing
