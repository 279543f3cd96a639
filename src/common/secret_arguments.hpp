// secret_arguments.hpp - the one list of commands whose arguments carry a secret (a password
// hash), SPEC 1.1 and 4.3. The dispatcher (classic refusal), the audit redaction and its fast
// path, and the client's history filter all read it. Pure data; depends on nothing.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace tsna {

struct SecretBearingCommand {
  std::string_view name;
  // Arguments from this one on (1 = the first after the command) are secret; the ones before
  // it (a user name) are not, so an operator can see which account a request was for.
  std::size_t first_secret_argument;
};

inline constexpr std::array<SecretBearingCommand, 3> kSecretBearingCommands{{
    {"login", 2},      // classic: login NAME HASH (TSNA/2's login NAME carries none)
    {"register", 2},   // register NAME HASH
    {"changepwd", 1},  // changepwd HASH
}};

// The entry for `command` (compared exactly: commands are case-sensitive, SPEC 2.1), or nullptr.
constexpr const SecretBearingCommand* find_secret_bearing_command(std::string_view command) {
  for (const SecretBearingCommand& c : kSecretBearingCommands) {
    if (c.name == command) {
      return &c;
    }
  }
  return nullptr;
}

}  // namespace tsna
