// command.cpp - the command table and the state/arity/argument checks of SPEC 2.1, in that
// order: the state first, then the argument count, then the arguments.
#include "commands/command.hpp"

#include <array>
#include <span>
#include <vector>

#include "commands/calculator.hpp"
#include "commands/messages.hpp"
#include "common/credentials.hpp"
#include "common/secret_arguments.hpp"
#include "common/utf8.hpp"
#include "common/words.hpp"

namespace tsna {
namespace {

using Args = std::span<const std::string_view>;

Outcome reply(bool ok, std::string_view text) {
  return Outcome{Action::kReply, ok, text, {}, {}};
}
Outcome fail(std::string_view text) {
  return reply(false, text);
}

std::string_view invalid_command(const CommandContext& ctx) {
  return ctx.user ? msg::kInvalidLoggedIn : msg::kInvalidLoggedOut;
}

Outcome on_help(Args args, const CommandContext& ctx, std::string&) {
  if (!ctx.user) {
    return args.empty() ? reply(true, msg::kHelpLoggedOut) : fail(msg::kInvalidLoggedOut);
  }
  return args.empty() ? reply(true, msg::kHelpLoggedIn) : fail(msg::kWhatAreYouDoing);
}

Outcome on_exit(Args args, const CommandContext& ctx, std::string&) {
  if (!args.empty()) {
    return fail(ctx.user ? msg::kWhatAreYouDoing : msg::kInvalidLoggedOut);
  }
  return Outcome{Action::kExit, true, msg::kDisconnected, {}, {}};
}

Outcome on_logout(Args args, const CommandContext& ctx, std::string& scratch) {
  if (!args.empty()) {
    return fail(msg::kWhatAreYouDoing);
  }
  scratch.assign(msg::kLogoutPrefix).append(*ctx.user);
  return Outcome{Action::kLogout, true, scratch, {}, {}};
}

Outcome on_register(Args args, const CommandContext& ctx, std::string&) {
  if (ctx.user) {
    return fail(msg::kRegisterWhileLoggedIn);
  }
  if (args.size() < 2) {
    return fail(msg::kRegisterTooFew);
  }
  if (args.size() > 2) {
    return fail(msg::kRegisterTooMany);
  }
  if (!is_valid_username(args[0]) ||
      (ctx.registrable_name != nullptr && !ctx.registrable_name(args[0]))) {
    return fail(msg::kInvalidUsername);
  }
  if (!is_password_hash(args[1])) {
    return fail(msg::kInvalidHash);
  }
  return Outcome{Action::kRegister, true, {}, args[0], args[1]};
}

Outcome on_login(Args args, const CommandContext& ctx, std::string& scratch) {
  if (ctx.user) {
    scratch.assign(msg::kLoggedInPrefix).append(*ctx.user).append(msg::kLoggedInSuffix);
    return fail(scratch);
  }
  if (ctx.dialect == Dialect::kTsna2) {
    return fail(msg::kLoginRetiredTsna2);
  }
  if (args.size() < 2) {
    return fail(msg::kLoginTooFewClassic);
  }
  if (args.size() > 2) {
    return fail(msg::kLoginTooManyClassic);
  }
  if (!is_valid_username(args[0])) {
    return fail(msg::kInvalidUsername);
  }
  if (!is_password_hash(args[1])) {
    return fail(msg::kInvalidHash);
  }
  return Outcome{Action::kLoginClassic, true, {}, args[0], args[1]};
}

// TSNA/2 only: `auth MECHANISM MESSAGE`, both one word (base64 has no blanks).
Outcome on_auth(Args args, const CommandContext& ctx, std::string& scratch) {
  if (ctx.user) {
    scratch.assign(msg::kLoggedInPrefix).append(*ctx.user).append(msg::kLoggedInSuffix);
    return fail(scratch);
  }
  if (args.size() != 2) {
    return fail(msg::kAuthFailed);
  }
  return Outcome{Action::kAuth, true, {}, args[0], args[1]};
}

Outcome on_changepwd(Args args, const CommandContext&, std::string&) {
  if (args.size() != 1) {
    return fail(msg::kPasswordBlank);
  }
  if (!is_password_hash(args[0])) {
    return fail(msg::kInvalidHash);
  }
  return Outcome{Action::kChangePassword, true, {}, {}, args[0]};
}

template <Operation op>
Outcome on_calc(Args args, const CommandContext&, std::string& scratch) {
  const CalcResult r = calculate(op, args, scratch);
  return reply(r.ok, r.text);
}

using Handler = Outcome (*)(Args, const CommandContext&, std::string&);

struct CommandSpec {
  std::string_view name;
  bool logged_out;  // valid before login
  bool logged_in;   // valid after login
  Handler handler;
  bool tsna2_only = false;  // unknown in the classic dialect
};

// The whole command set of SPEC 2.1. A name invalid in the current state gets that state's
// unknown-command reply before any other check.
constexpr std::array<CommandSpec, 14> kCommands{{
    {"?", true, true, &on_help},
    {"help", true, true, &on_help},
    {"ls", true, true, &on_help},
    {"exit", true, true, &on_exit},
    {"login", true, true, &on_login},
    {"register", true, true, &on_register},
    {"auth", true, true, &on_auth, /*tsna2_only=*/true},
    {"logout", false, true, &on_logout},
    {"changepwd", false, true, &on_changepwd},
    {"sum", false, true, &on_calc<Operation::kSum>},
    {"sub", false, true, &on_calc<Operation::kSubtract>},
    {"subtract", false, true, &on_calc<Operation::kSubtract>},
    {"multiply", false, true, &on_calc<Operation::kMultiply>},
    {"divide", false, true, &on_calc<Operation::kDivide>},
}};

constexpr auto kCommandNames = [] {
  std::array<std::string_view, kCommands.size()> names{};
  for (std::size_t i = 0; i < kCommands.size(); ++i) {
    names[i] = kCommands[i].name;
  }
  return names;
}();

}  // namespace

Outcome dispatch(std::string_view line, const CommandContext& ctx, std::string& scratch) {
  thread_local std::vector<std::string_view> words;
  split_words(line, words);
  // Classic messages that would put a hash on the wire are refused before any other check
  // unless the operator opted in (SPEC 1.1).
  if (ctx.dialect == Dialect::kClassic && !ctx.allow_classic_login && !words.empty() &&
      is_classic_hash_command(words.front())) {
    return fail(msg::kClassicLoginDisabled);
  }
  if (words.empty() || line.find('\0') != std::string_view::npos || !is_valid_utf8(line)) {
    return fail(invalid_command(ctx));
  }
  for (const CommandSpec& spec : kCommands) {
    if (spec.name == words.front()) {
      if (!(ctx.user ? spec.logged_in : spec.logged_out) ||
          (spec.tsna2_only && ctx.dialect != Dialect::kTsna2)) {
        break;
      }
      return spec.handler(Args(words).subspan(1), ctx, scratch);
    }
  }
  return fail(invalid_command(ctx));
}

std::span<const std::string_view> command_names() {
  return kCommandNames;
}

}  // namespace tsna
