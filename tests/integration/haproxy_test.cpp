// haproxy_test.cpp - tsna-server behind a real HAProxy sending the PROXY protocol (v2 and v1) to
// --proxy-protocol-from 127.0.0.1/32: commands through it, the client's own address in the audit
// log and in the login throttle, TLS passed through, a listed peer without a header closed, a
// header from an unlisted peer taken as ordinary bytes, and the shipped deploy/haproxy.cfg.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "fixture.hpp"
#include "support/haproxy_process.hpp"
#include "support/tls_test_client.hpp"

namespace tsna::testing {
namespace {

const std::vector<std::string> kTrustLocalhost = {"--proxy-protocol-from", "127.0.0.1/32"};

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The "127.0.0.x:port" a client's socket is bound to: what the server should log as its peer.
std::string local_address(const TestClient& c) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  ::getsockname(c.fd(), reinterpret_cast<sockaddr*>(&addr), &len);
  char ip[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof ip);
  return std::string(ip) + ":" + std::to_string(ntohs(addr.sin_port));
}

std::vector<std::string> audit_peers(const std::string& log) {
  static const std::regex kPeer(R"re("peer":"([^"]*)")re");
  std::vector<std::string> peers;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), kPeer); it != std::sregex_iterator();
       ++it) {
    peers.push_back((*it)[1]);
  }
  return peers;
}

constexpr std::string_view kRefusalLine =
    ", which --proxy-protocol-from says must start with a PROXY header: ";

class BehindHaproxy : public ServerTest, public ::testing::WithParamInterface<std::string> {
 protected:
  // tsna-server trusting 127.0.0.1 (HAProxy's source address), HAProxy in front of it with
  // `send_proxy` ("send-proxy-v2" or "send-proxy").
  void start_behind(const std::string& send_proxy, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = kTrustLocalhost;
    args.insert(args.end(), extra.begin(), extra.end());
    start(args);
    const std::uint16_t frontend = unused_port();
    haproxy_ = std::make_unique<HaproxyProcess>(
        dir_.path(), haproxy_config(frontend, {port()}, send_proxy), frontend);
  }

  // A TSNA/2 client from `source` (a loopback address other than HAProxy's 127.0.0.1).
  std::unique_ptr<TestClient> through_haproxy(const std::string& source) {
    auto c = std::make_unique<TestClient>(haproxy_->port(), source);
    c->upgrade();
    return c;
  }

  // Stops the server (which flushes its audit log) and returns the log.
  std::string stopped_audit_log() {
    haproxy_.reset();
    server().stop();
    return read_text(data_dir() / "data_log.jsonl");
  }

  void TearDown() override {
    haproxy_.reset();
    ServerTest::TearDown();
  }

  std::unique_ptr<HaproxyProcess> haproxy_;
};

INSTANTIATE_TEST_SUITE_P(ProxyProtocol, BehindHaproxy,
                         ::testing::Values("send-proxy-v2", "send-proxy"),
                         [](const auto& info) { return info.param == "send-proxy" ? "v1" : "v2"; });

TEST_P(BehindHaproxy, AClientLogsInAndRunsCommandsThroughIt) {
  start_behind(GetParam());
  auto c = through_haproxy("127.0.0.5");
  EXPECT_EQ(c->tsna2_register("alice", kHash123456), "200:Your Registered Username is alice\n");
  EXPECT_EQ(c->tsna2_login("alice", kHash123456), "200:login is successful\n");
  c->send("sum 1 2\n");
  EXPECT_EQ(c->read_reply(), "200:3.0\n");
  c->send("exit\n");
  EXPECT_EQ(c->read_reply(), "200:disconnected\n");
}

TEST_P(BehindHaproxy, TheAuditLogNamesTheClientNotTheBalancer) {
  start_behind(GetParam());
  auto c = through_haproxy("127.0.0.5");
  const std::string client = local_address(*c);
  ASSERT_TRUE(client.starts_with("127.0.0.5:")) << client;
  c->send("ls\n");
  c->read_reply();
  c.reset();
  const std::vector<std::string> peers = audit_peers(stopped_audit_log());
  ASSERT_EQ(peers.size(), 2u);  // hello, ls
  EXPECT_EQ(peers[0], client);
  EXPECT_EQ(peers[1], client);
  EXPECT_EQ(server().stderr_text().find(kRefusalLine), std::string::npos)
      << "HAProxy's health checks carry a header too: " << server().stderr_text();
}

TEST_P(BehindHaproxy, FailedLoginsThrottleTheClientsAddressAndNoOtherClientOfTheBalancer) {
  start_behind(GetParam());
  {
    auto owner = through_haproxy("127.0.0.7");
    ASSERT_EQ(owner->tsna2_register("alice", kHash123456),
              "200:Your Registered Username is alice\n");
  }
  auto attacker = through_haproxy("127.0.0.6");
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(attacker->tsna2_login("mallory", kHash123), "400:Authentication Failed!\n") << i;
  }
  // The attacker's address is locked, whatever name it tries...
  EXPECT_EQ(attacker->tsna2_login("alice", kHash123456),
            "400:Too many failed logins, try again in 1 s\n");
  // ...but another client of the same balancer is not: the throttle saw two addresses.
  auto other = through_haproxy("127.0.0.7");
  EXPECT_EQ(other->tsna2_login("alice", kHash123456), "200:login is successful\n");
}

TEST_F(BehindHaproxy, TlsPassesThroughWithTheHeaderBeforeTheHandshake) {
  const TestCertificates certs = make_test_certificates(dir_.path());
  start({"--proxy-protocol-from", "127.0.0.1/32", "--tls-cert", certs.server_cert.string(),
         "--tls-key", certs.server_key.string(), "--tls-port", "0"});
  const std::uint16_t frontend = unused_port();
  haproxy_ = std::make_unique<HaproxyProcess>(
      dir_.path(), haproxy_config(frontend, {server().tls_port()}, "send-proxy-v2"), frontend);
  TlsTestClient c(frontend, certs.ca_cert, "localhost");
  ASSERT_TRUE(c.connected()) << c.handshake_error();
  EXPECT_EQ(c.read_exact(7), "success");
  c.send("hello TSNA/2\nregister tls " + std::string(kHash123456) + "\n");
  EXPECT_EQ(c.read_line(), "200:TSNA/2\n");
  EXPECT_EQ(c.read_line(), "200:Your Registered Username is tls\n");

  // From the listed address but without a header, the handshake never starts.
  TlsTestClient direct(server().tls_port(), certs.ca_cert, "localhost");
  EXPECT_FALSE(direct.connected());
}

TEST_F(BehindHaproxy, AListedPeerThatSendsNoHeaderIsClosedWithoutAGreeting) {
  start(kTrustLocalhost);
  TestClient c(port());  // from 127.0.0.1, the listed address
  c.send("hello TSNA/2\n");
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_NE(
      server().stderr_text().find("tsna-server: closed a connection from " + local_address(c) +
                                  std::string(kRefusalLine) + "not a PROXY header\n"),
      std::string::npos)
      << server().stderr_text();
}

TEST_F(BehindHaproxy, AListedPeerThatStaysSilentIsClosedWhenItsTimeIsUp) {
  start({"--proxy-protocol-from", "127.0.0.1/32", "--idle-timeout", "1"});
  TestClient c(port());
  EXPECT_EQ(c.read_available(std::chrono::milliseconds(100), std::chrono::seconds(3)), "");
  EXPECT_TRUE(c.closed_by_peer(std::chrono::seconds(3)));
  EXPECT_NE(server().stderr_text().find(std::string(kRefusalLine) + "no PROXY header in time\n"),
            std::string::npos)
      << server().stderr_text();
}

TEST_F(BehindHaproxy, AHeaderFromAnUnlistedPeerIsOrdinaryBytes) {
  start(kTrustLocalhost);
  TestClient c(port(), "127.0.0.9");
  ASSERT_EQ(c.read_exact(7), "success");
  const std::string me = local_address(c);
  expect_classic(c, "PROXY TCP4 198.51.100.1 127.0.0.1 1111 6016\r\n", "400:Invalid command");
  c.send("exit\n");
  EXPECT_TRUE(c.closed_by_peer());
  server().stop();
  const std::string log = read_text(data_dir() / "data_log.jsonl");
  EXPECT_EQ(audit_peers(log), (std::vector<std::string>{me, me}));
  EXPECT_NE(log.find(R"("cmd":"PROXY TCP4 198.51.100.1 127.0.0.1 1111 6016","code":400)"),
            std::string::npos)
      << log;
}

TEST(HaproxyExample, TheShippedConfigurationIsValid) {
  const CommandResult r =
      run_shell(haproxy_binary().string() + " -c -f " TSNA_SOURCE_DIR "/deploy/haproxy.cfg 2>&1");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Configuration file is valid"), std::string::npos) << r.output;
}

// deploy/haproxy.cfg with its addresses replaced by free loopback ports, in front of two nodes
// whose GET /health (--metrics) is the balancer's check.
TEST(HaproxyExample, TheShippedConfigurationServesTwoNodes) {
  TempDir dir;
  std::vector<std::string> options = kTrustLocalhost;
  options.insert(options.end(), {"--metrics", "127.0.0.1:0"});
  ServerProcess node1(dir.path() / "node1", options);
  ServerProcess node2(dir.path() / "node2", options);
  const std::uint16_t frontend = unused_port();
  std::string cfg = read_text(TSNA_SOURCE_DIR "/deploy/haproxy.cfg");
  const auto replace = [&cfg](const std::string& from, const std::string& to) {
    const std::size_t at = cfg.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    cfg.replace(at, from.size(), to);
  };
  replace("bind :6016", "bind 127.0.0.1:" + std::to_string(frontend));
  replace("10.0.0.11:6016 check port 9116", "127.0.0.1:" + std::to_string(node1.port()) +
                                                " check port " +
                                                std::to_string(node1.metrics_port()));
  replace("10.0.0.12:6016 check port 9116", "127.0.0.1:" + std::to_string(node2.port()) +
                                                " check port " +
                                                std::to_string(node2.metrics_port()));
  // Health-check results on HAProxy's stderr, to see that the checks pass through the header.
  replace("global\n", "global\n    log stderr format raw local0\n");
  replace("defaults\n", "defaults\n    log global\n    option log-health-checks\n");
  HaproxyProcess haproxy(dir.path(), cfg, frontend);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  const auto checked = [&haproxy](const char* node) {
    return haproxy.output().find(std::string("Health check for server tsna_nodes/") + node +
                                 " succeeded") != std::string::npos;
  };
  while (!(checked("node1") && checked("node2")) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(checked("node1") && checked("node2")) << haproxy.output();
  EXPECT_EQ(haproxy.output().find("failed"), std::string::npos) << haproxy.output();
  // leastconn with both idle: two clients held open at once land on different nodes.
  TestClient a(frontend, "127.0.0.5");
  TestClient b(frontend, "127.0.0.6");
  for (TestClient* c : {&a, &b}) {
    c->upgrade();
    EXPECT_EQ(c->tsna2_register("carol", kHash123456), "200:Your Registered Username is carol\n");
    EXPECT_EQ(c->tsna2_login("carol", kHash123456), "200:login is successful\n");
  }
}

}  // namespace
}  // namespace tsna::testing
