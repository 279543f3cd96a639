// user_file_fuzz.cpp - libFuzzer target for parse_user_file / format_user_file (SPEC 2.2,
// 4.1): parsing never crashes, accepts only valid unique records and reports a real line;
// format(parse(x)) parses back to the same records; and any list of valid, unique records
// (here: the lines of the input that are one) survives format then parse unchanged.
// Fuzz-only; depends on src/store/user_file and src/common.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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

std::string describe(const std::vector<UserRecord>& records) {
  std::string s;
  for (const UserRecord& r : records) {
    s += "<" + r.name + ":" + r.hash + ">";
  }
  return s;
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
                        (m.starts_with("duplicate user ") && m.ends_with(")")),
                    m);
    TSNA_FUZZ_CHECK(to_string(*error) == "line " + std::to_string(error->line) + ": " + m, m);
  } else {
    const auto& records = std::get<std::vector<UserRecord>>(parsed);
    std::set<std::string> names;
    for (const UserRecord& r : records) {
      TSNA_FUZZ_CHECK(is_valid_username(r.name) && is_password_hash(r.hash), describe(records));
      TSNA_FUZZ_CHECK(names.insert(r.name).second, "duplicate accepted: " + r.name);
    }
    const std::string formatted = format_user_file(records);
    const auto again = parse_user_file(formatted);
    const auto* round = std::get_if<std::vector<UserRecord>>(&again);
    TSNA_FUZZ_CHECK(round != nullptr && *round == records,
                    "format(parse(x)) does not parse back: " + formatted);
    TSNA_FUZZ_CHECK(format_user_file(*round) == formatted, formatted);
  }

  // The input's lines that are exactly "name:hash" with a valid, new name: written and read
  // back, they must come out as they went in.
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
    UserRecord r{std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))};
    if (is_valid_username(r.name) && is_password_hash(r.hash) && names.insert(r.name).second) {
      built.push_back(std::move(r));
    }
  }
  const auto round = parse_user_file(format_user_file(built));
  const auto* records = std::get_if<std::vector<UserRecord>>(&round);
  TSNA_FUZZ_CHECK(records != nullptr && *records == built,
                  "valid records do not survive format and parse: " + describe(built));
  return 0;
}
