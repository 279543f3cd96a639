// user_file_fuzz.cpp - libFuzzer target for parse_user_file / format_user_file (SPEC 2.2,
// 4.1): parsing never crashes, accepts only valid unique entries (a seed hash or a SCRAM
// verifier each) and reports a real line; the verifier entries formatted parse back to the same
// entries; and any list of valid, unique names (here: the names of the input's "name:..." lines)
// survives format then parse unchanged with a verifier each.
// Fuzz-only; depends on src/store/user_file, src/auth's verifier text form and src/common.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/scram_verifier.hpp"
#include "fuzz_support.hpp"
#include "store/user_file.hpp"

namespace tsna {
namespace {

std::size_t count_lines(std::string_view text) {
  std::size_t lines = 0;
  while (!text.empty()) {
    ++lines;
    const std::size_t nl = text.find('\n');
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  return lines;
}

std::string describe(const std::vector<UserFileEntry>& entries) {
  std::string s;
  for (const UserFileEntry& e : entries) {
    s += "<" + e.name + ":" + (e.verifier ? auth::format_verifier(*e.verifier) : e.hash) + ">";
  }
  return s;
}

// A fixed verifier for the formatted records (the text form is what is being checked).
auth::ScramVerifier some_verifier() {
  auth::ScramVerifier v;
  v.iterations = 4096;
  v.salt.assign(16, 0xA5);
  v.stored_key.fill(0x11);
  v.server_key.fill(0x22);
  return v;
}

}  // namespace
}  // namespace tsna

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tsna;
  const std::string text(fuzz::as_chars(data, size));
  const auto parsed = parse_user_file(text);

  if (const auto* error = std::get_if<UserFileError>(&parsed)) {
    TSNA_FUZZ_CHECK(error->line >= 1 && error->line <= count_lines(text), to_string(*error));
    const std::string& m = error->message;
    TSNA_FUZZ_CHECK(m == "missing ':'" || m == "invalid username" || m == "invalid password hash" ||
                        m == "invalid SCRAM-SHA-256 verifier" ||
                        (m.starts_with("duplicate user ") && m.ends_with(")")),
                    m);
    TSNA_FUZZ_CHECK(to_string(*error) == "line " + std::to_string(error->line) + ": " + m, m);
  } else {
    const auto& entries = std::get<std::vector<UserFileEntry>>(parsed);
    std::set<std::string> names;
    std::vector<UserRecord> with_verifiers;
    for (const UserFileEntry& e : entries) {
      TSNA_FUZZ_CHECK(is_valid_username(e.name), describe(entries));
      TSNA_FUZZ_CHECK(e.verifier ? e.hash.empty() : is_password_hash(e.hash), describe(entries));
      TSNA_FUZZ_CHECK(names.insert(e.name).second, "duplicate accepted: " + e.name);
      if (e.verifier) {
        with_verifiers.push_back(UserRecord{e.name, *e.verifier});
      }
    }
    const std::string formatted = format_user_file(with_verifiers);
    const auto again = parse_user_file(formatted);
    const auto* round = std::get_if<std::vector<UserFileEntry>>(&again);
    TSNA_FUZZ_CHECK(round != nullptr && round->size() == with_verifiers.size(),
                    "format(parse(x)) does not parse back: " + formatted);
    for (std::size_t i = 0; i < with_verifiers.size(); ++i) {
      TSNA_FUZZ_CHECK((*round)[i].name == with_verifiers[i].name &&
                          (*round)[i].verifier == with_verifiers[i].verifier,
                      formatted);
    }
  }

  // The names of the input's "name:..." lines that are valid and new: written with a verifier
  // and read back, they must come out as they went in.
  std::vector<UserRecord> built;
  std::set<std::string> names;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    UserRecord r{std::string(line.substr(0, colon)), some_verifier()};
    if (is_valid_username(r.name) && names.insert(r.name).second) {
      built.push_back(std::move(r));
    }
  }
  const auto round = parse_user_file(format_user_file(built));
  const auto* entries = std::get_if<std::vector<UserFileEntry>>(&round);
  TSNA_FUZZ_CHECK(entries != nullptr && entries->size() == built.size(),
                  "valid records do not survive format and parse");
  for (std::size_t i = 0; i < built.size(); ++i) {
    TSNA_FUZZ_CHECK((*entries)[i] == (UserFileEntry{built[i].name, "", built[i].verifier}),
                    describe(*entries));
  }
  return 0;
}
