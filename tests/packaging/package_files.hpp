// package_files.hpp - where the packaging tests find what they check: the source tree and the
// .deb that the ctest fixture DebianPackage.IsBuiltByCpack made. Test support for
// tests/packaging only; depends on nothing of TSNA.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tsna::testing {

inline std::filesystem::path source_path(const std::string& relative) {
  return std::filesystem::path(TSNA_SOURCE_DIR) / relative;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path.string());
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The one .deb in the fixture's directory (tests/packaging/build_package.cmake).
inline std::filesystem::path built_package() {
  for (const auto& entry : std::filesystem::directory_iterator(TSNA_PACKAGE_DIR)) {
    if (entry.path().extension() == ".deb") {
      return entry.path();
    }
  }
  throw std::runtime_error(std::string("no .deb in ") + TSNA_PACKAGE_DIR);
}

}  // namespace tsna::testing
