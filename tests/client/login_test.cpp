// login_test.cpp - the client half of both logins (SPEC 1.1, 1.2, 3) against a scripted
// server: what goes on the wire, that the MAC is right, that refusals come back as replies.
#include "client/login.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "auth/hex.hpp"
#include "auth/ntlm.hpp"
#include "fake_server.hpp"
#include "support/fixed_random.hpp"

namespace tsna::client {
namespace {

using testing::FakePeer;

constexpr std::string_view kHash123456 = "910f4aff69c6c642b3756489bb81a945";

struct Pair {
  std::unique_ptr<Connection> client;
  int server_fd = -1;
  explicit Pair(Dialect dialect) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    client = std::make_unique<Connection>(std::make_unique<TcpStream>(fds[0]), dialect,
                                          std::chrono::seconds(5));
    server_fd = fds[1];
  }
  ~Pair() { close(server_fd); }
};

std::vector<std::uint8_t> bytes_of(std::string_view hex) {
  std::vector<std::uint8_t> out(hex.size() / 2);
  EXPECT_TRUE(auth::from_hex(hex, out)) << hex;
  return out;
}

TEST(ClassicLogin, AnswersTheSeedsCapturedChallengeWithItsCapturedResponse) {
  Pair p(Dialect::kClassic);
  FakePeer server(p.server_fd);
  std::string request;
  std::string answer;
  std::thread t([&] {
    request = server.read_exact(48);
    const std::vector<std::uint8_t> challenge = bytes_of("9c0c24a6caaf4c59");
    server.send(std::string(challenge.begin(), challenge.end()));
    answer = server.read_exact(32);
    server.send("200:login is successful");
  });
  FixedRandom random({1});
  int challenges = 0;
  Reply reply;
  const IoResult r = log_in(
      *p.client, "HaibinLai", Secret(std::string(kHash123456)), random, [&] { ++challenges; },
      reply);
  t.join();
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(request, "login HaibinLai 910f4aff69c6c642b3756489bb81a945");
  EXPECT_EQ(
      auth::to_hex(std::span(reinterpret_cast<const std::uint8_t*>(answer.data()), answer.size())),
      "7ab4afb2b40aebf9133f29a1105c7a581249ee1616a051f84aa7d7b26cc3f219");
  EXPECT_EQ(challenges, 1);
  EXPECT_EQ(format_reply(reply), "200:login is successful");
}

TEST(ClassicLogin, RefusalBeforeTheChallengeIsTheReply) {
  Pair p(Dialect::kClassic);
  FakePeer server(p.server_fd);
  std::thread t([&] {
    server.read_exact(45);
    server.send("400:The user does not exist!");
  });
  FixedRandom random({1});
  int challenges = 0;
  Reply reply;
  const IoResult r = log_in(
      *p.client, "nobody", Secret(std::string(kHash123456)), random, [&] { ++challenges; }, reply);
  t.join();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(challenges, 0);
  EXPECT_EQ(format_reply(reply), "400:The user does not exist!");
}

TEST(Tsna2Login, SendsOnlyTheNameThenTheNonceAndMac) {
  Pair p(Dialect::kTsna2);
  FakePeer server(p.server_fd);
  const std::string challenge_hex = "00112233445566778899aabbccddeeff";
  std::string request;
  std::string answer;
  std::thread t([&] {
    request = server.read_until("\n");
    server.send("300:" + challenge_hex + "\n");
    answer = server.read_until("\n");
    server.send("200:login is successful\n");
  });
  FixedRandom random({0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac,
                      0xad, 0xae, 0xaf});
  int challenges = 0;
  Reply reply;
  const IoResult r = log_in(
      *p.client, "bob", Secret(std::string(kHash123456)), random, [&] { ++challenges; }, reply);
  t.join();
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(request, "login bob\n");
  const std::string nonce_hex = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";
  const auth::Digest mac =
      auth::tsna2_mac(kHash123456, bytes_of(challenge_hex), bytes_of(nonce_hex), "bob");
  EXPECT_EQ(answer, nonce_hex + " " + auth::to_hex(mac) + "\n");
  EXPECT_EQ(answer.find(kHash123456), std::string::npos);
  EXPECT_EQ(challenges, 1);
  EXPECT_EQ(format_reply(reply), "200:login is successful");
}

TEST(Tsna2Login, RefusalWithoutAChallengeIsTheReply) {
  Pair p(Dialect::kTsna2);
  FakePeer server(p.server_fd);
  std::thread t([&] {
    server.read_until("\n");
    server.send("400:Too many failed logins, try again in 4 s\n");
  });
  FixedRandom random({1});
  int challenges = 0;
  Reply reply;
  const IoResult r = log_in(
      *p.client, "bob", Secret(std::string(kHash123456)), random, [&] { ++challenges; }, reply);
  t.join();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(challenges, 0);
  EXPECT_EQ(format_reply(reply), "400:Too many failed logins, try again in 4 s");
}

TEST(Tsna2Login, ChallengeThatIsNotHexIsAProtocolError) {
  Pair p(Dialect::kTsna2);
  FakePeer server(p.server_fd);
  std::thread t([&] {
    server.read_until("\n");
    server.send("300:not-a-challenge\n");
  });
  FixedRandom random({1});
  Reply reply;
  const IoResult r = log_in(
      *p.client, "bob", Secret(std::string(kHash123456)), random, [] {}, reply);
  t.join();
  EXPECT_EQ(r.status, IoStatus::kProtocol);
}

}  // namespace
}  // namespace tsna::client
