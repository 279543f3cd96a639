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
  // it (a user name, a mechanism) are not, so an operator can see which account a request was
  // for.
  std::size_t first_secret_argument;
  // In the classic dialect it puts a password hash on the wire, so it is refused there unless
  // the server allows classic logins (SPEC 1.1).
  bool classic_hash;
};

inline constexpr std::array<SecretBearingCommand, 4> kSecretBearingCommands{{
    {"login", 2, true},      // classic: login NAME HASH
    {"register", 2, true},   // register NAME HASH
    {"changepwd", 1, true},  // changepwd HASH
    {"auth", 2, false},      // TSNA/2: auth MECHANISM <SCRAM client-first>
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

constexpr bool is_classic_hash_command(std::string_view command) {
  const SecretBearingCommand* c = find_secret_bearing_command(command);
  return c != nullptr && c->classic_hash;
}

}  // namespace tsna
