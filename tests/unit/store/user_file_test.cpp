// user_file_test.cpp - the seed users-file parser/formatter and the file helpers.
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

std::vector<UserRecord> parse_ok(std::string_view text) {
  auto result = parse_user_file(text);
  if (const auto* error = std::get_if<UserFileError>(&result)) {
    ADD_FAILURE() << "unexpected error: " << to_string(*error);
    return {};
  }
  return std::get<std::vector<UserRecord>>(std::move(result));
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
  const std::vector<UserRecord> expected = {
      {"bb", "b3358c3dc3c4b063dd668b7f6620c3d2"},
      {"haibin", "910f4aff69c6c642b3756489bb81a945"},
      {"bin", "398a9e7f3e20dc9ffef104303826ed6d"},
      {"HaibinLai", "910f4aff69c6c642b3756489bb81a945"},
  };
  EXPECT_EQ(parse_ok(text), expected);
}

TEST(UserFile, EmptyTextHasNoUsers) {
  EXPECT_EQ(parse_ok(""), std::vector<UserRecord>{});
}

TEST(UserFile, LastLineWithoutNewlineIsParsed) {
  const std::vector<UserRecord> expected = {{"bb", kHashA}};
  EXPECT_EQ(parse_ok(std::string("bb:") + kHashA), expected);
}

TEST(UserFile, CrLfLineEndsAndSurroundingWhitespaceAreStripped) {
  const std::string text =
      std::string("  bb:") + kHashA + " \r\n\tbin:" + kHashB + "\t\r\n\v\f\x1c" + "x:" + kHashA;
  const std::vector<UserRecord> expected = {{"bb", kHashA}, {"bin", kHashB}, {"x", kHashA}};
  EXPECT_EQ(parse_ok(text), expected);
}

TEST(UserFile, UnicodeWhitespaceIsStrippedLikePythonStrip) {
  // U+3000 ideographic space, U+00A0 no-break space, U+2003 em space, U+0085 next line.
  const std::string text =
      std::string("\xe3\x80\x80\xc2\xa0") + "bb:" + kHashA + "\xe2\x80\x83\xc2\x85\n";
  const std::vector<UserRecord> expected = {{"bb", kHashA}};
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
  const std::vector<UserRecord> expected = {{"Bob", kHashA}, {"bob", kHashB}};
  EXPECT_EQ(parse_ok(std::string("Bob:") + kHashA + "\nbob:" + kHashB + "\n"), expected);
}

TEST(UserFile, ToStringPrefixesTheLineNumber) {
  EXPECT_EQ(to_string(UserFileError{3, "invalid password hash"}), "line 3: invalid password hash");
}

TEST(UserFile, FormatWritesOneNameColonHashLinePerRecord) {
  const std::vector<UserRecord> records = {{"bb", kHashA}, {"Zo\xc3\xab", kHashB}};
  EXPECT_EQ(format_user_file(records),
            std::string("bb:") + kHashA + "\nZo\xc3\xab:" + kHashB + "\n");
  EXPECT_EQ(format_user_file({}), "");
}

TEST(UserFile, FormatThenParseGivesTheSameRecords) {
  const std::vector<UserRecord> records = {
      {"bb", kHashA},
      {"HaibinLai", kHashB},
      {"\xe6\x97\xa5\xe6\x9c\xac", kHashA},  // 日本
      {"\xf0\x9f\x98\x80", kHashB},          // U+1F600
  };
  EXPECT_EQ(parse_ok(format_user_file(records)), records);
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
