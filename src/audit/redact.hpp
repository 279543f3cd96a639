// redact.hpp - turns an untrusted message into the audit log's `cmd` text (SPEC 4.3): secrets
// masked, invalid UTF-8 replaced, length capped. Pure: no I/O, no JSON, no locks; depends on
// common only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tsna {

// What every masked secret becomes.
inline constexpr std::string_view kRedacted = "***";

// Appends `raw` to `out` with invalid UTF-8 replaced by U+FFFD: one U+FFFD per maximal subpart
// of an ill-formed sequence (Unicode ch. 3 "U+FFFD Substitution of Maximal Subparts", what
// Python's decode(errors="replace") and WHATWG do): "\xE2\x82" -> one U+FFFD, "\xFF\xFF" -> two.
// Surrogates (ED A0..BF) and overlong forms (C0, C1, E0 80..9F, F0 80..8F) are ill-formed.
void append_valid_utf8(std::string& out, std::string_view raw);

// Appends the `cmd` field's text for the message `raw` (not yet JSON-escaped):
//  - is_answer (the answer to a challenge, text or raw bytes): "***" whatever it holds;
//  - otherwise invalid UTF-8 as in append_valid_utf8; words are separated by runs of spaces and
//    tabs, which are kept exactly as sent (leading and trailing ones too);
//  - if the first word is a command of kSecretBearingCommands (common/secret_arguments.hpp;
//    exact match, commands are case-sensitive), each argument from its first secret one on
//    becomes "***": `login carol <hash>` -> `login carol ***`, `changepwd <hash>` ->
//    `changepwd ***`; the user name before it stays;
//  - in every word, each run of 32 or more hex digits [0-9a-fA-F] becomes "***";
//  - the result is cut to at most max_bytes bytes, never inside a UTF-8 sequence (the cut comes
//    after redaction, so it can never expose part of a secret).
// Allocates nothing beyond growing `out`.
void append_redacted_command(std::string& out, std::string_view raw, bool is_answer,
                             std::size_t max_bytes);

// As append_redacted_command for a text the session assembled from checked parts (an `auth`
// line with its decoded user name): the same UTF-8 repair, hex-run masking and cap, but no
// argument is masked for being one of a secret-bearing command.
void append_prepared_command(std::string& out, std::string_view text, std::size_t max_bytes);

}  // namespace tsna
