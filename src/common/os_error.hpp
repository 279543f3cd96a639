// os_error.hpp - the one way a failed system call becomes an exception: "PATH: WHAT: strerror"
// (or "PATH: strerror" when `what` is empty). For start-up and store code, which report errors
// by exception; the data plane never throws these. Depends on nothing.
#pragma once

#include <filesystem>
#include <string_view>

namespace tsna {

[[noreturn]] void throw_os_error(const std::filesystem::path& path, std::string_view what, int err);

}  // namespace tsna
