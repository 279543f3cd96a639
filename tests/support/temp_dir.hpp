// temp_dir.hpp - a fresh directory under /tmp for one test, removed with everything in it.
#pragma once

#include <filesystem>
#include <string>

namespace tsna::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace tsna::testing
