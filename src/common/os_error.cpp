// os_error.cpp - system-call failures as std::runtime_error (os_error.hpp).
#include "common/os_error.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

namespace tsna {

void throw_os_error(const std::filesystem::path& path, std::string_view what, int err) {
  std::string message = path.string() + ": ";
  if (!what.empty()) {
    message.append(what).append(": ");
  }
  throw std::runtime_error(message + std::strerror(err));
}

}  // namespace tsna
