// command_fuzz.cpp - libFuzzer target for tsna::dispatch (SPEC 2.1-2.3) in every state and
// dialect, checked against a model of the SPEC 2.1 table: same action, same reply text, names
// and hashes that view the request line, replies that are known texts and valid UTF-8.
// Input: [state byte][request line...]. Fuzz-only; depends on src/commands and src/common.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.hpp"
#include "fuzz_support.hpp"

namespace tsna {
namespace {

// The logged-in users the fuzzer can be: short, the seed's, the longest name, non-ASCII.
constexpr std::string_view kUsers[] = {
    "bob",
    "HaibinLai",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "\xc3\xa9\xe4\xb8\xad\xe6\x96\x87\xf0\x9f\x98\x80",
};

std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  std::string_view rest = line;
  while (!rest.empty()) {
    const std::size_t start = rest.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(start);
    const std::size_t end = rest.find_first_of(" \t");
    words.push_back(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  return words;
}

struct Expected {
  Action action = Action::kReply;
  bool ok = false;
  std::string text;
  std::string_view name;
  std::string_view hash;
};

Expected fail(std::string_view text) {
  return {Action::kReply, false, std::string(text), {}, {}};
}

// sum/sub/subtract/multiply/divide per SPEC 2.1 and 2.3.
Expected calculate(std::string_view command, const std::vector<std::string_view>& args) {
  if (args.empty()) {
    return fail(msg::kLackOfNumber);
  }
  const bool subtract = command == "sub" || command == "subtract";
  if (subtract && args.size() != 2) {
    return fail(msg::kSubtractUsage);
  }
  if (command == "divide" && args.size() != 2) {
    return fail(msg::kDivideUsage);
  }
  std::vector<double> values;
  for (const std::string_view a : args) {
    const std::optional<double> v = parse_number(a);
    if (!v) {
      return fail(msg::kInvalidNumber);
    }
    if (command == "divide" && values.size() == 1 && *v == 0.0) {
      return fail(msg::kDivideByZero);
    }
    values.push_back(*v);
  }
  double r = 0.0;
  if (command == "sum") {
    for (const double v : values) {
      r += v;
    }
  } else if (command == "multiply") {
    r = 1.0;
    for (const double v : values) {
      r *= v;
    }
  } else if (subtract) {
    r = values[0] - values[1];
  } else {
    r = values[0] / values[1];
  }
  if (!std::isfinite(r)) {
    return fail(msg::kOutOfRange);
  }
  return {Action::kReply, true, python_repr(r), {}, {}};
}

// The SPEC 2.1 table, row by row: the state first, then the argument count, then the arguments.
Expected model(std::string_view line, const CommandContext& ctx) {
  const std::vector<std::string_view> words = words_of(line);
  const bool secret =
      !words.empty() && (words[0] == "login" || words[0] == "register" || words[0] == "changepwd");
  if (ctx.dialect == Dialect::kClassic && !ctx.allow_classic_login && secret) {
    return fail(msg::kClassicLoginDisabled);
  }
  const std::string_view unknown = ctx.user ? msg::kInvalidLoggedIn : msg::kInvalidLoggedOut;
  if (words.empty() || line.find('\0') != std::string_view::npos ||
      !fuzz::reference_is_valid_utf8(line)) {
    return fail(unknown);
  }
  const std::string_view command = words[0];
  const std::vector<std::string_view> args(words.begin() + 1, words.end());
  const bool help = command == "?" || command == "help" || command == "ls";
  if (!ctx.user) {
    if (help) {
      return args.empty() ? Expected{Action::kReply, true, std::string(msg::kHelpLoggedOut), {}, {}}
                          : fail(msg::kInvalidLoggedOut);
    }
    if (command == "exit") {
      return args.empty() ? Expected{Action::kExit, true, std::string(msg::kDisconnected), {}, {}}
                          : fail(msg::kInvalidLoggedOut);
    }
    if (command == "login" && ctx.dialect == Dialect::kTsna2) {
      return fail(msg::kLoginRetiredTsna2);
    }
    if (command == "auth" && ctx.dialect == Dialect::kTsna2) {
      if (args.size() != 2) {
        return fail(msg::kAuthFailed);
      }
      return {Action::kAuth, true, {}, args[0], args[1]};
    }
    if (command == "login" || command == "register") {
      const bool login = command == "login";
      if (args.size() < 2) {
        return fail(login ? msg::kLoginTooFewClassic : msg::kRegisterTooFew);
      }
      if (args.size() > 2) {
        return fail(login ? msg::kLoginTooManyClassic : msg::kRegisterTooMany);
      }
      if (!is_valid_username(args[0])) {
        return fail(msg::kInvalidUsername);
      }
      if (!is_password_hash(args[1])) {
        return fail(msg::kInvalidHash);
      }
      return {login ? Action::kLoginClassic : Action::kRegister, true, {}, args[0], args[1]};
    }
    return fail(msg::kInvalidLoggedOut);
  }
  const std::string user(*ctx.user);
  if (help) {
    return args.empty() ? Expected{Action::kReply, true, std::string(msg::kHelpLoggedIn), {}, {}}
                        : fail(msg::kWhatAreYouDoing);
  }
  if (command == "exit") {
    return args.empty() ? Expected{Action::kExit, true, std::string(msg::kDisconnected), {}, {}}
                        : fail(msg::kWhatAreYouDoing);
  }
  if (command == "logout") {
    return args.empty()
               ? Expected{Action::kLogout, true, std::string(msg::kLogoutPrefix) + user, {}, {}}
               : fail(msg::kWhatAreYouDoing);
  }
  if (command == "login" || (command == "auth" && ctx.dialect == Dialect::kTsna2)) {
    return fail(std::string(msg::kLoggedInPrefix) + user + std::string(msg::kLoggedInSuffix));
  }
  if (command == "register") {
    return fail(msg::kRegisterWhileLoggedIn);
  }
  if (command == "changepwd") {
    if (args.size() != 1) {
      return fail(msg::kPasswordBlank);
    }
    if (!is_password_hash(args[0])) {
      return fail(msg::kInvalidHash);
    }
    return {Action::kChangePassword, true, {}, {}, args[0]};
  }
  if (command == "sum" || command == "sub" || command == "subtract" || command == "multiply" ||
      command == "divide") {
    return calculate(command, args);
  }
  return fail(msg::kInvalidLoggedIn);
}

bool views_into(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

std::string describe(const Outcome& o) {
  return "action " + std::to_string(static_cast<int>(o.action)) + (o.ok ? " ok " : " fail ") +
         "text <" + std::string(o.text) + "> name <" + std::string(o.name) + "> hash <" +
         std::string(o.hash) + ">";
}

std::string describe(const Expected& e) {
  return "action " + std::to_string(static_cast<int>(e.action)) + (e.ok ? " ok " : " fail ") +
         "text <" + e.text + "> name <" + std::string(e.name) + "> hash <" + std::string(e.hash) +
         ">";
}

}  // namespace
}  // namespace tsna

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tsna;
  if (size < 1 || size > 4097) {
    return 0;  // a request is at most 4096 bytes (SPEC 1.2)
  }
  const std::uint8_t state = data[0];
  CommandContext ctx;
  ctx.dialect = (state & 1) != 0 ? Dialect::kTsna2 : Dialect::kClassic;
  ctx.allow_classic_login = (state & 2) != 0;
  if ((state & 4) != 0) {
    ctx.user = kUsers[(state >> 3) & 3];
  }
  // A copy of exactly the line's size, so ASan sees any read past its end.
  const std::string line(fuzz::as_chars(data + 1, size - 1));

  std::string scratch;
  const Outcome o = dispatch(line, ctx, scratch);
  const Expected e = model(line, ctx);
  TSNA_FUZZ_CHECK(o.action == e.action && o.ok == e.ok && o.text == e.text && o.name == e.name &&
                      o.hash == e.hash,
                  describe(o) + " vs model " + describe(e) + " for <" + line + ">");

  // Names and hashes view the request itself; replies view static text or the scratch.
  TSNA_FUZZ_CHECK(views_into(o.name, line) && views_into(o.hash, line), describe(o));
  TSNA_FUZZ_CHECK(is_valid_utf8(o.text), o.text);
  switch (o.action) {
    case Action::kReply:
      TSNA_FUZZ_CHECK(fuzz::is_known_reply(o.ok ? 200 : 400, o.text), o.text);
      break;
    case Action::kExit:
    case Action::kLogout:
      TSNA_FUZZ_CHECK(o.ok && fuzz::is_known_reply(200, o.text), o.text);
      break;
    case Action::kRegister:
    case Action::kLoginClassic:
      TSNA_FUZZ_CHECK(is_valid_username(o.name) && is_password_hash(o.hash), describe(o));
      break;
    case Action::kAuth:
      TSNA_FUZZ_CHECK(
          ctx.dialect == Dialect::kTsna2 && !ctx.user && !o.name.empty() && !o.hash.empty(),
          describe(o));
      break;
    case Action::kChangePassword:
      TSNA_FUZZ_CHECK(ctx.user && is_password_hash(o.hash), describe(o));
      break;
  }

  // The same request with a used scratch buffer gives the same outcome.
  scratch.assign(300, '#');
  const Outcome again = dispatch(line, ctx, scratch);
  TSNA_FUZZ_CHECK(again.action == o.action && again.ok == o.ok && again.text == e.text &&
                      again.name == o.name && again.hash == o.hash,
                  describe(again) + " vs first " + describe(o));
  return 0;
}
