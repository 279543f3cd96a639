// data_dir_test.cpp - the data directory is created private and held by one process at a time
// through DIR/tsna-server.pid (flock), which names the holder.
#include "store/data_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "support/temp_dir.hpp"

namespace tsna {
namespace {

using testing::TempDir;

int mode_of(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

std::string contents(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string acquire_error(const std::filesystem::path& dir) {
  try {
    DataDirLock::acquire(dir);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no exception";
}

TEST(DataDirLock, CreatesAPrivateDirectoryAndAPidFileNamingThisProcess) {
  TempDir tmp;
  const auto dir = tmp.path() / "a" / "data";
  const DataDirLock lock = DataDirLock::acquire(dir);
  EXPECT_EQ(mode_of(dir), 0700);
  EXPECT_EQ(mode_of(dir / "tsna-server.pid"), 0600);
  EXPECT_EQ(contents(dir / "tsna-server.pid"), std::to_string(::getpid()) + "\n");
}

TEST(DataDirLock, SecondLockOfAHeldDirectoryIsRefusedNamingTheHolderAndLeavesItsPidFile) {
  TempDir tmp;
  const DataDirLock lock = DataDirLock::acquire(tmp.path());
  const std::string refused = tmp.path().string() + ": in use by another tsna-server (pid " +
                              std::to_string(::getpid()) + ")";
  EXPECT_EQ(acquire_error(tmp.path()), refused);
  // Regression: the refused attempt emptied the holder's pid file on its way out.
  EXPECT_EQ(contents(tmp.path() / "tsna-server.pid"), std::to_string(::getpid()) + "\n");
  EXPECT_EQ(acquire_error(tmp.path()), refused);
}

TEST(DataDirLock, ReleasedDirectoryCanBeLockedAgainAndItsPidFileIsEmptied) {
  TempDir tmp;
  { const DataDirLock lock = DataDirLock::acquire(tmp.path()); }
  EXPECT_EQ(contents(tmp.path() / "tsna-server.pid"), "");
  const DataDirLock again = DataDirLock::acquire(tmp.path());
  EXPECT_EQ(contents(tmp.path() / "tsna-server.pid"), std::to_string(::getpid()) + "\n");
}

TEST(DataDirLock, StalePidFileWithoutALockIsTakenOver) {
  TempDir tmp;
  std::ofstream(tmp.path() / "tsna-server.pid") << "999999\n";
  const DataDirLock lock = DataDirLock::acquire(tmp.path());
  EXPECT_EQ(contents(tmp.path() / "tsna-server.pid"), std::to_string(::getpid()) + "\n");
}

TEST(DataDirLock, APathThatIsAFileIsRefused) {
  TempDir tmp;
  std::ofstream(tmp.path() / "file") << "x";
  EXPECT_EQ(acquire_error(tmp.path() / "file"),
            (tmp.path() / "file").string() + ": not a directory");
}

}  // namespace
}  // namespace tsna
