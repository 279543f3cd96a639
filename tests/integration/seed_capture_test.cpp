// seed_capture_test.cpp - real bytes from the seed's own system (tests/data/seed/):
// its users file imports, and the client half of its Wireshark capture replays against our
// server: the same `ls` reply bytes, and its recorded HMAC answer refused for a fresh challenge.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "fixture.hpp"
#include "support/pcapng.hpp"

namespace tsna::testing {
namespace {

const std::string kSeedUsers = std::string(TSNA_SEED_DIR) + "/users.txt";
const std::string kSeedCapture = std::string(TSNA_SEED_DIR) + "/Wireshark_pack.pcapng";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class SeedCapture : public ServerTest {};

TEST_F(SeedCapture, SeedUsersFileImportsAndItsUsersLogInInBothDialects) {
  const CommandResult import =
      run_server_command("import-users " + kSeedUsers + " --data-dir " + data_dir().string());
  EXPECT_EQ(import.status, 0) << import.output;
  EXPECT_EQ(import.output, "imported 4 users from " + kSeedUsers + "\n");
  start();
  auto t = tsna2();
  EXPECT_EQ(t->tsna2_login("haibin", kHash123456), "200:login is successful\n");
  auto c = classic();
  EXPECT_EQ(classic_login(*c, "bb", kHash123), "200:login is successful");
}

TEST_F(SeedCapture, ExportWritesVerifiersNotHashesAndReimportsElsewhere) {
  ASSERT_EQ(run_server_command("import-users " + kSeedUsers + " --data-dir " + data_dir().string())
                .status,
            0);
  const auto exported = dir_.path() / "exported.txt";
  const CommandResult exp = run_server_command("export-users " + exported.string() +
                                               " --data-dir " + data_dir().string());
  EXPECT_EQ(exp.status, 0) << exp.output;
  EXPECT_EQ(exp.output, "exported 4 users to " + exported.string() + "\n");
  EXPECT_EQ(std::filesystem::status(exported).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  // One verifier line per user, in the seed file's order; the seed's hashes are gone.
  const std::string text = slurp(exported);
  const std::regex line(R"(^(bb|haibin|bin|HaibinLai):SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$)"
                        R"([A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$)");
  std::istringstream in(text);
  std::vector<std::string> names;
  for (std::string l; std::getline(in, l);) {
    EXPECT_TRUE(std::regex_match(l, line)) << l;
    names.push_back(l.substr(0, l.find(':')));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"bb", "haibin", "bin", "HaibinLai"}));
  EXPECT_EQ(text.find(kHash123456), std::string::npos);
  EXPECT_EQ(text.find(kHash123), std::string::npos);
  // The export imports into another data directory, and its users log in there.
  const auto other = dir_.path() / "other";
  const CommandResult reimport =
      run_server_command("import-users " + exported.string() + " --data-dir " + other.string());
  EXPECT_EQ(reimport.output, "imported 4 users from " + exported.string() + "\n");
  ServerProcess server(other, {"--allow-classic"});
  TestClient t(server.port());
  t.upgrade();
  EXPECT_EQ(t.tsna2_login("HaibinLai", kHash123456), "200:login is successful\n");
  TestClient c(server.port());
  EXPECT_EQ(c.read_exact(7), "success");
  EXPECT_EQ(classic_login(c, "haibin", kHash123456), "200:login is successful");
}

TEST_F(SeedCapture, VerifierPostgresqlMadeForTheSameScramPasswordImportsAndLogsIn) {
  // PostgreSQL 15: CREATE ROLE haibin PASSWORD '910f4aff69c6c642b3756489bb81a945', with
  // password_encryption = scram-sha-256; pg_authid.rolpassword is this line's verifier.
  const auto file = dir_.path() / "from_postgres.txt";
  std::ofstream(file) << "haibin:SCRAM-SHA-256$4096:xtaIHwt/bTGPyTtsegw7dA==$"
                         "1oPzgDJ4l4FfKR83sz8ahhZYvOTU58El8gkFhJYXYTc=:"
                         "PityLnV2eMlRBY/KdGRsqx8AW7qzfw7b2+sza8l3qwY=\n";
  const CommandResult r =
      run_server_command("import-users " + file.string() + " --data-dir " + data_dir().string());
  EXPECT_EQ(r.output, "imported 1 users from " + file.string() + "\n");
  start();
  auto t = tsna2();
  EXPECT_EQ(t->tsna2_login("haibin", kHash123), "400:Authentication Failed!\n");
  EXPECT_EQ(t->tsna2_login("haibin", kHash123456), "200:login is successful\n");
  auto c = classic();
  EXPECT_EQ(classic_login(*c, "haibin", kHash123456), "200:login is successful");
}

TEST_F(SeedCapture, BadUsersFileIsReportedWithItsLineNumberAndNothingIsImported) {
  const auto file = dir_.path() / "bad.txt";
  std::ofstream(file) << "alice:" << kHash123 << "\nbob:123456\n";
  const CommandResult r =
      run_server_command("import-users " + file.string() + " --data-dir " + data_dir().string());
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output, file.string() + ":2: invalid password hash; nothing was imported\n");
  start();
  auto c = classic();
  expect_classic(*c, "login alice " + std::string(kHash123), "400:The user does not exist!");
}

TEST_F(SeedCapture, CapturedClientBytesReplayAgainstOurServer) {
  const std::vector<TcpConversation> conversations = read_tcp_conversations(kSeedCapture, 6016);
  ASSERT_EQ(conversations.size(), 1u);
  const std::vector<TcpSegment>& segs = conversations[0].segments;
  ASSERT_EQ(segs.size(), 6u);

  ASSERT_EQ(run_server_command("import-users " + kSeedUsers + " --data-dir " + data_dir().string())
                .status,
            0);
  start();
  auto c = classic();
  // 1. The client's `ls` gets exactly the captured reply bytes.
  ASSERT_TRUE(segs[0].from_client);
  ASSERT_FALSE(segs[1].from_client);
  expect_classic(*c, segs[0].payload, segs[1].payload);
  // 2. The captured login gets a fresh 8-byte challenge (not the captured one)...
  ASSERT_EQ(segs[2].payload, "login HaibinLai 910f4aff69c6c642b3756489bb81a945");
  c->send(segs[2].payload);
  const std::string challenge = c->read_exact(8);
  ASSERT_EQ(challenge.size(), 8u);
  EXPECT_NE(challenge, segs[3].payload);
  // 3. ...and the captured answer, replayed, is refused: it answered another challenge.
  ASSERT_EQ(segs[4].payload.size(), 32u);
  expect_classic(*c, segs[4].payload, "400:Authentication Failed!");
  // The captured success text is what a correct answer gets.
  EXPECT_EQ(classic_login(*c, "HaibinLai", kHash123456), segs[5].payload);
}

}  // namespace
}  // namespace tsna::testing
