// live_capture_test.cpp - the dissector on captures this test records itself: dumpcap on
// loopback while the real tsna client talks to a real tsna-server on a free port, once in
// TSNA/2 (hello, a SCRAM-SHA-256 login, commands, a multi-line reply) and once in the classic
// dialect (--allow-classic; the raw challenge and answer). Needs root for dumpcap, as in CI.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "client/child_process.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "wireshark/wireshark_tools.hpp"

namespace tsna::testing {
namespace {

using Fields = std::map<std::string, std::vector<std::string>>;
using Strings = std::vector<std::string>;

// ntlm_hash("123456"), SPEC 3.
constexpr const char* kHash = "910f4aff69c6c642b3756489bb81a945";

std::string hex_hmac(const std::string& key, const std::string& hex_message) {
  std::string message;
  for (std::size_t i = 0; i + 1 < hex_message.size(); i += 2) {
    message.push_back(static_cast<char>(std::stoi(hex_message.substr(i, 2), nullptr, 16)));
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", mac[i]);
    hex += two;
  }
  return hex;
}

class LiveCaptureDissection : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) {
      GTEST_SKIP() << "dumpcap needs root to capture on loopback";
    }
  }

  // Runs `tsna args...` against the server and expects it to succeed.
  static void run_client(const Strings& args) {
    const PipeResult r = run_client_with_pipes(args, "", client_environment({}));
    ASSERT_EQ(r.status, 0) << r.out << r.err;
  }

  TempDir dir_;
};

TEST_F(LiveCaptureDissection, ShowsATsna2SessionWithItsScramLogin) {
  ServerProcess server(dir_.path() / "data");
  const std::string port = std::to_string(server.port());
  const std::filesystem::path file = dir_.path() / "tsna2.pcapng";
  {
    LoopbackCapture capture(file, "tcp port " + port);
    run_client({"127.0.0.1:" + port, "-c", "register alice 123456", "-c", "login alice 123456",
                "-c", "sum 1 2 3", "-c", "help", "-c", "exit"});
    ASSERT_TRUE(capture.stop_after(server.port(), "200:disconnected\n", 1));
  }
  const Fields f = tshark_fields(
      file, {"-d", "tcp.port==" + port + ",tsna"}, "tsna",
      {"tsna.greeting", "tsna.hello", "tsna.command", "tsna.code", "tsna.more", "tsna.text",
       "tsna.scram.mechanism", "tsna.scram.step", "tsna.scram.gs2", "tsna.scram.user",
       "tsna.scram.iterations", "tsna.scram.cbind", "tsna.scram.nonce", "tsna.scram.salt",
       "tsna.scram.proof", "tsna.scram.verifier"});
  EXPECT_EQ(f.at("tsna.greeting"), Strings{"success"});
  EXPECT_EQ(f.at("tsna.hello"), Strings{"TSNA/2"});
  EXPECT_EQ(f.at("tsna.command"), (Strings{"register", "auth", "sum", "help", "exit"}));
  // The upgrade, register, server-first, server-final and its verdict, sum, ten help lines, exit.
  EXPECT_EQ(f.at("tsna.code"),
            (Strings{"200", "200", "300", "200", "200", "200", "200", "200", "200", "200", "200",
                     "200", "200", "200", "200", "200", "200"}));
  const Strings& text = f.at("tsna.text");
  ASSERT_EQ(text.size(), 17u);
  EXPECT_EQ(text[0], "TSNA/2");
  EXPECT_EQ(text[1], "Your Registered Username is alice");
  EXPECT_EQ(text[4], "login is successful");
  EXPECT_EQ(text[5], "6.0");
  EXPECT_EQ(text[6], "Available commands: ");
  EXPECT_EQ(text[7], "\\t?");
  EXPECT_EQ(text[15], "\\tdivide [a] [b]");
  EXPECT_EQ(text[16], "disconnected");
  // "-" on the server-final line and the first nine help lines only.
  EXPECT_EQ(std::count(f.at("tsna.more").begin(), f.at("tsna.more").end(), "1"), 10);
  EXPECT_EQ(f.at("tsna.scram.mechanism"), Strings{"SCRAM-SHA-256"});
  EXPECT_EQ(f.at("tsna.scram.step"),
            (Strings{"client-first", "server-first", "client-final", "server-final"}));
  EXPECT_EQ(f.at("tsna.scram.gs2"), Strings{"n"});
  EXPECT_EQ(f.at("tsna.scram.user"), Strings{"alice"});
  EXPECT_EQ(f.at("tsna.scram.iterations"), Strings{"4096"});
  EXPECT_EQ(f.at("tsna.scram.cbind"), Strings{"biws (n,,)"});
  // Client nonce, then the server's (which extends it), then client-final's copy of that.
  const Strings& nonce = f.at("tsna.scram.nonce");
  ASSERT_EQ(nonce.size(), 3u);
  EXPECT_TRUE(nonce[1].starts_with(nonce[0]) && nonce[1].size() > nonce[0].size());
  EXPECT_EQ(nonce[2], nonce[1]);
  ASSERT_EQ(f.at("tsna.scram.salt").size(), 1u);
  EXPECT_FALSE(f.at("tsna.scram.salt")[0].empty());
  ASSERT_EQ(f.at("tsna.scram.proof").size(), 1u);
  EXPECT_EQ(f.at("tsna.scram.proof")[0].size(), 44u);  // base64 of 32 bytes
  ASSERT_EQ(f.at("tsna.scram.verifier").size(), 1u);
  EXPECT_EQ(f.at("tsna.scram.verifier")[0].size(), 44u);
  // The register line's hash is the one thing a plain TSNA/2 session shows in clear.
  const Fields warnings = tshark_fields(file, {"-d", "tcp.port==" + port + ",tsna"},
                                        "tsna.hash_in_clear", {"tsna.command"});
  EXPECT_EQ(warnings.at("tsna.command"), Strings{"register"});
}

TEST_F(LiveCaptureDissection, FindsTheConversationByItsGreetingOnAnyPort) {
  ServerProcess server(dir_.path() / "data");
  const std::string port = std::to_string(server.port());
  const std::filesystem::path file = dir_.path() / "heuristic.pcapng";
  {
    LoopbackCapture capture(file, "tcp port " + port);
    run_client({"127.0.0.1:" + port, "-c", "register hal 123456", "-c", "exit"});
    ASSERT_TRUE(capture.stop_after(server.port(), "200:disconnected\n", 1));
  }
  // No Decode As: the heuristic sees "success" and takes the conversation.
  const Fields f = tshark_fields(file, {"-o", "tcp.try_heuristic_first:TRUE"}, "tsna",
                                 {"tsna.command", "tsna.text"});
  EXPECT_EQ(f.at("tsna.command"), (Strings{"register", "exit"}));
  EXPECT_EQ(f.at("tsna.text"),
            (Strings{"TSNA/2", "Your Registered Username is hal", "disconnected"}));
}

TEST_F(LiveCaptureDissection, ShowsAClassicLoginWithItsRawChallengeAndAnswer) {
  ServerProcess server(dir_.path() / "data", {"--allow-classic"});
  const std::string port = std::to_string(server.port());
  const std::filesystem::path file = dir_.path() / "classic.pcapng";
  {
    LoopbackCapture capture(file, "tcp port " + port);
    run_client({"--classic", "127.0.0.1:" + port, "-c", "register bob 123456", "-c",
                "login bob 123456", "-c", "multiply 2 3", "-c", "exit"});
    ASSERT_TRUE(capture.stop_after(server.port(), "200:disconnected", 1));
  }
  // The preference instead of Decode As.
  const Fields f = tshark_fields(file, {"-o", "tsna.port:" + port}, "tsna",
                                 {"tsna.greeting", "tsna.command", "tsna.argument", "tsna.code",
                                  "tsna.text", "tsna.challenge", "tsna.answer"});
  EXPECT_EQ(f.at("tsna.greeting"), Strings{"success"});
  EXPECT_EQ(f.at("tsna.command"), (Strings{"register", "login", "multiply", "exit"}));
  EXPECT_EQ(f.at("tsna.argument"), (Strings{"bob", kHash, "bob", kHash, "2", "3"}));
  EXPECT_EQ(f.at("tsna.text"), (Strings{"Your Registered Username is bob", "login is successful",
                                        "6.0", "disconnected"}));
  ASSERT_EQ(f.at("tsna.challenge").size(), 1u);
  const std::string& challenge = f.at("tsna.challenge")[0];
  EXPECT_EQ(challenge.size(), 16u);
  // The answer the dissector shows is the HMAC of the challenge it shows (SPEC 1.1).
  EXPECT_EQ(f.at("tsna.answer"), Strings{hex_hmac(kHash, challenge)});
  EXPECT_FALSE(f.contains("tsna.scram.step"));
}

}  // namespace
}  // namespace tsna::testing
