// saslprep.hpp - SASLprep (RFC 4013, the "stored strings" profile) through GNU SASL. SCRAM
// clients apply it to the user name, so a name is accepted at registration only if SASLprep
// leaves it unchanged (SPEC 2.2). Depends on common; GNU SASL stays in the .cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tsna::auth {

// The prepared form of `text` (UTF-8), or nullopt when SASLprep refuses it (a prohibited or
// unassigned code point, bidi rules, invalid UTF-8).
std::optional<std::string> saslprep(std::string_view text);

// True when SASLprep accepts `name` and returns it unchanged.
bool is_saslprep_stable(std::string_view name);

}  // namespace tsna::auth
