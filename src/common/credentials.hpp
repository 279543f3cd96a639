// credentials.hpp - the syntax of user names and password hashes (SPEC 2.2), shared by the
// command layer and the seed users-file importer. Pure; depends on nothing.
#pragma once

#include <string_view>

// is_valid_utf8 lives in utf8.hpp; this include only keeps fuzz/ building until it includes
// "common/utf8.hpp" itself.
#include "common/utf8.hpp"

namespace tsna {

// 1-64 bytes of valid UTF-8 with no whitespace, no control character and no ':'.
bool is_valid_username(std::string_view name);

// Exactly 32 lowercase hex characters, as ntlm_hash produces.
bool is_password_hash(std::string_view hash);

}  // namespace tsna
