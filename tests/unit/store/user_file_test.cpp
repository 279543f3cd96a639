// user_file_test.cpp - the users-file parser (seed hash lines, verifier lines), the verifier
// formatter and the file helpers.
// Uses a fresh directory under /tmp per test; no SQLite.
#include "store/user_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "support/temp_dir.hpp"

namespace tsna {
namespace {

constexpr const char* kHashA = "b3358c3dc3c4b063dd668b7f6620c3d2";
constexpr const char* kHashB = "910f4aff69c6c642b3756489bb81a945";

using testing::TempDir;

mode_t mode_of(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return 0;
  }
  return st.st_mode & 07777;
}

// A seed line's entry.
UserFileEntry seed(std::string name, std::string hash) {
  return UserFileEntry{std::move(name), std::move(hash), std::nullopt};
}

std::vector<UserFileEntry> parse_ok(std::string_view text) {
  auto result = parse_user_file(text);
  if (const auto* error = std::get_if<UserFileError>(&result)) {
    ADD_FAILURE() << "unexpected error: " << to_string(*error);
    return {};
  }
  return std::get<std::vector<UserFileEntry>>(std::move(result));
}

UserFileError parse_error(std::string_view text) {
  auto result = parse_user_file(text);
  if (!std::holds_alternative<UserFileError>(result)) {
    ADD_FAILURE() << "parsed without error";
    return {};
  }
  return std::get<UserFileError>(result);
}

TEST(UserFile, SeedsCapturedUsersFileGivesItsFourUsers) {
  const std::string text = read_file(TSNA_SEED_DIR "/users.txt");
  const std::vector<UserFileEntry> expected = {
      seed("bb", "b3358c3dc3c4b063dd668b7f6620c3d2"),
      seed("haibin", "910f4aff69c6c642b3756489bb81a945"),
      seed("bin", "398a9e7f3e20dc9ffef104303826ed6d"),
      seed("HaibinLai", "910f4aff69c6c642b3756489bb81a945"),
  };
  EXPECT_EQ(parse_ok(text), expected);
}

TEST(UserFile, EmptyTextHasNoUsers) {
  EXPECT_EQ(parse_ok(""), std::vector<UserFileEntry>{});
}

TEST(UserFile, LastLineWithoutNewlineIsParsed) {
  const std::vector<UserFileEntry> expected = {seed("bb", kHashA)};
  EXPECT_EQ(parse_ok(std::string("bb:") + kHashA), expected);
}

TEST(UserFile, CrLfLineEndsAndSurroundingWhitespaceAreStripped) {
  const std::string text =
      std::string("  bb:") + kHashA + " \r\n\tbin:" + kHashB + "\t\r\n\v\f\x1c" + "x:" + kHashA;
  const std::vector<UserFileEntry> expected = {seed("bb", kHashA), seed("bin", kHashB),
                                               seed("x", kHashA)};
  EXPECT_EQ(parse_ok(text), expected);
}

TEST(UserFile, UnicodeWhitespaceIsStrippedLikePythonStrip) {
  // U+3000 ideographic space, U+00A0 no-break space, U+2003 em space, U+0085 next line.
  const std::string text =
      std::string("\xe3\x80\x80\xc2\xa0") + "bb:" + kHashA + "\xe2\x80\x83\xc2\x85\n";
  const std::vector<UserFileEntry> expected = {seed("bb", kHashA)};
  EXPECT_EQ(parse_ok(text), expected);
}

TEST(UserFile, BlankLinesAreSkippedButCounted) {
  const UserFileError error = parse_error(std::string("\n\r\n   \nbb:") + kHashA + "\nnocolon\n");
  EXPECT_EQ(error, (UserFileError{5, "missing ':'"}));
}

TEST(UserFile, LineIsSplitAtTheFirstColon) {
  // Split at the last ':' the name "a:b" would be the error; at the first, the hash is.
  EXPECT_EQ(parse_error(std::string("a:b:") + kHashA), (UserFileError{1, "invalid password hash"}));
}

TEST(UserFile, LineWithoutColonIsReportedWithItsNumber) {
  EXPECT_EQ(parse_error(std::string("bb:") + kHashA + "\nhaibin " + kHashB + "\n"),
            (UserFileError{2, "missing ':'"}));
}

TEST(UserFile, InvalidUsernamesAreReportedWithTheirLineNumber) {
  const std::string hash = kHashA;
  EXPECT_EQ(parse_error(":" + hash), (UserFileError{1, "invalid username"}));
  EXPECT_EQ(parse_error("ok:" + hash + "\nbo b:" + hash), (UserFileError{2, "invalid username"}));
  EXPECT_EQ(parse_error("bb :" + hash), (UserFileError{1, "invalid username"}));
  EXPECT_EQ(parse_error("\xff:" + hash), (UserFileError{1, "invalid username"}));
  EXPECT_EQ(parse_error("a\x01"
                        ":" +
                        hash),
            (UserFileError{1, "invalid username"}));
  EXPECT_EQ(parse_error(std::string(65, 'a') + ":" + hash), (UserFileError{1, "invalid username"}));
  EXPECT_EQ(parse_ok(std::string(64, 'a') + ":" + hash).size(), 1u);
}

TEST(UserFile, InvalidHashesAreReportedWithTheirLineNumber) {
  EXPECT_EQ(parse_error("bb:"), (UserFileError{1, "invalid password hash"}));
  EXPECT_EQ(parse_error("bb:B3358C3DC3C4B063DD668B7F6620C3D2"),
            (UserFileError{1, "invalid password hash"}));
  EXPECT_EQ(parse_error("bb:b3358c3dc3c4b063dd668b7f6620c3d"),
            (UserFileError{1, "invalid password hash"}));
  EXPECT_EQ(parse_error("bb:b3358c3dc3c4b063dd668b7f6620c3d22"),
            (UserFileError{1, "invalid password hash"}));
  EXPECT_EQ(parse_error(std::string("x:") + kHashA + "\n\nbb: " + kHashA),
            (UserFileError{3, "invalid password hash"}));
}

TEST(UserFile, RepeatedNameIsReportedWithBothLines) {
  const std::string text = std::string("bb:") + kHashA + "\nbin:" + kHashB + "\n\nbb:" + kHashA;
  EXPECT_EQ(parse_error(text), (UserFileError{4, "duplicate user bb (first on line 1)"}));
}

TEST(UserFile, NamesDifferingInCaseAreDifferentUsers) {
  const std::vector<UserFileEntry> expected = {seed("Bob", kHashA), seed("bob", kHashB)};
  EXPECT_EQ(parse_ok(std::string("Bob:") + kHashA + "\nbob:" + kHashB + "\n"), expected);
}

TEST(UserFile, ToStringPrefixesTheLineNumber) {
  EXPECT_EQ(to_string(UserFileError{3, "invalid password hash"}), "line 3: invalid password hash");
}

// A verifier PostgreSQL 15 made for the SCRAM password ntlm_hash("123456").
constexpr std::string_view kPostgresVerifier =
    "SCRAM-SHA-256$4096:xtaIHwt/bTGPyTtsegw7dA==$1oPzgDJ4l4FfKR83sz8ahhZYvOTU58El8gkFhJYXYTc=:"
    "PityLnV2eMlRBY/KdGRsqx8AW7qzfw7b2+sza8l3qwY=";

TEST(UserFile, VerifierLinesParseBesideSeedLines) {
  const std::vector<UserFileEntry> entries =
      parse_ok("haibin:" + std::string(kPostgresVerifier) + "\nbb:" + kHashA + "\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "haibin");
  EXPECT_EQ(entries[0].hash, "");
  ASSERT_TRUE(entries[0].verifier.has_value());
  EXPECT_EQ(auth::format_verifier(*entries[0].verifier), kPostgresVerifier);
  EXPECT_EQ(entries[1], seed("bb", kHashA));
}

TEST(UserFile, BadVerifierLineIsReportedWithItsLineNumber) {
  const std::string cut(kPostgresVerifier.substr(0, kPostgresVerifier.size() - 4));
  EXPECT_EQ(parse_error(std::string("bb:") + kHashA + "\nhaibin:" + cut),
            (UserFileError{2, "invalid SCRAM-SHA-256 verifier"}));
}

TEST(UserFile, FormatWritesOneNameColonVerifierLinePerRecord) {
  const auth::ScramVerifier v = *auth::parse_verifier(kPostgresVerifier);
  const std::vector<UserRecord> records = {{"haibin", v}, {"Zo\xc3\xab", v}};
  EXPECT_EQ(format_user_file(records), "haibin:" + std::string(kPostgresVerifier) +
                                           "\nZo\xc3\xab:" + std::string(kPostgresVerifier) + "\n");
  EXPECT_EQ(format_user_file({}), "");
}

TEST(UserFile, FormatThenParseGivesTheSameVerifiers) {
  const auth::ScramVerifier v = *auth::parse_verifier(kPostgresVerifier);
  const std::vector<UserRecord> records = {
      {"bb", v},
      {"\xe6\x97\xa5\xe6\x9c\xac", v},  // 日本
      {"\xf0\x9f\x98\x80", v},          // U+1F600
  };
  const std::vector<UserFileEntry> parsed = parse_ok(format_user_file(records));
  ASSERT_EQ(parsed.size(), records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(parsed[i], (UserFileEntry{records[i].name, "", records[i].verifier}));
  }
}

TEST(UserFile, WriteAtomicallyCreatesTheFileWithMode0600AndNoLeftovers) {
  TempDir dir;
  const auto path = dir.path() / "users.txt";
  write_file_atomically(path, "bb:x\n");
  EXPECT_EQ(read_file(path), "bb:x\n");
  EXPECT_EQ(mode_of(path), 0600u);
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"users.txt"});
}

TEST(UserFile, WriteAtomicallyReplacesContentAndMode) {
  TempDir dir;
  const auto path = dir.path() / "out.txt";
  write_file_atomically(path, "a much longer first version\n", 0644);
  EXPECT_EQ(mode_of(path), 0644u);
  write_file_atomically(path, "v2");
  EXPECT_EQ(read_file(path), "v2");
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST(UserFile, WriteAtomicallyIntoMissingDirectoryThrowsNamingThePath) {
  TempDir dir;
  const auto path = dir.path() / "missing" / "users.txt";
  try {
    write_file_atomically(path, "x");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              path.string() + ": cannot create a temporary file: No such file or directory");
  }
}

TEST(UserFile, ReadFileReturnsEveryByte) {
  TempDir dir;
  const auto path = dir.path() / "bin";
  const std::string content("a\0b\r\n\xff", 6);
  write_file_atomically(path, content);
  EXPECT_EQ(read_file(path), content);
}

TEST(UserFile, ReadFileOfMissingFileThrowsNamingThePath) {
  TempDir dir;
  const auto path = dir.path() / "nope.txt";
  try {
    read_file(path);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), path.string() + ": No such file or directory");
  }
}

}  // namespace
}  // namespace tsna
