// command_plan.cpp - typed line to plan, and the hash-carrying requests. Pure.
#include "client/command_plan.hpp"

#include "client/messages.hpp"
#include "common/secret_arguments.hpp"
#include "common/words.hpp"

namespace tsna::client {
namespace {

constexpr std::string_view kRedacted = "***";

// "<command> <kept...> *** ***": the arguments before the command's first secret one as typed,
// the rest redacted (common/secret_arguments.hpp says which).
std::string redacted_request(std::string_view command, const std::vector<std::string_view>& args) {
  const std::size_t keep = find_secret_bearing_command(command)->first_secret_argument - 1;
  std::string out(command);
  for (std::size_t i = 0; i < args.size(); ++i) {
    out += ' ';
    out += i < keep ? args[i] : kRedacted;
  }
  return out;
}

// "<command> <user> <hash>"; a secret, like the hash in it.
std::string user_hash_request(std::string_view command, std::string_view user, const Secret& hash) {
  std::string out(command);
  out += ' ';
  out += user;
  out += ' ';
  out += hash.view();
  return out;
}

CommandPlan plain(std::string wire, std::string_view progress) {
  CommandPlan plan;
  plan.kind = CommandKind::kPlain;
  plan.wire = std::move(wire);
  plan.progress = progress;
  return plan;
}

// login and register: `<command> <user> [<password>]`; register asks for the password twice.
CommandPlan plan_user_command(CommandKind kind, std::string_view command,
                              const std::vector<std::string_view>& args, bool logged_in,
                              std::string_view progress) {
  if (logged_in || args.empty() || args.size() > 2) {
    return plain(redacted_request(command, args), progress);
  }
  CommandPlan plan;
  plan.kind = kind;
  plan.user = std::string(args[0]);
  if (args.size() == 2) {
    plan.inline_password.emplace(std::string(args[1]));
  }
  plan.confirm = kind == CommandKind::kRegister;
  plan.progress = progress;
  return plan;
}

CommandPlan plan_changepwd(const std::vector<std::string_view>& args, bool logged_in) {
  if (!logged_in || args.size() > 1) {
    return plain(redacted_request("changepwd", args), msg::kChangepwding);
  }
  CommandPlan plan;
  plan.kind = CommandKind::kChangepwd;
  if (args.size() == 1) {
    plan.inline_password.emplace(std::string(args[0]));
  }
  plan.confirm = true;
  plan.progress = msg::kChangepwding;
  return plan;
}

}  // namespace

CommandPlan plan_command(std::string_view line, bool logged_in) {
  const std::vector<std::string_view> words = split_words(line);
  if (words.empty()) {
    return CommandPlan{};
  }
  const std::vector<std::string_view> args(words.begin() + 1, words.end());
  if (words[0] == "login") {
    return plan_user_command(CommandKind::kLogin, "login", args, logged_in, msg::kLogining);
  }
  if (words[0] == "register") {
    return plan_user_command(CommandKind::kRegister, "register", args, logged_in,
                             msg::kRegistering);
  }
  if (words[0] == "changepwd") {
    return plan_changepwd(args, logged_in);
  }
  // Everything else goes as typed, without the blanks around it.
  return plain(std::string(trim_blanks(line)), {});
}

std::string register_request(std::string_view user, const Secret& hash) {
  return user_hash_request("register", user, hash);
}

std::string changepwd_request(const Secret& hash) {
  std::string out = "changepwd ";
  out += hash.view();
  return out;
}

std::string classic_login_request(std::string_view user, const Secret& hash) {
  return user_hash_request("login", user, hash);
}

bool may_enter_history(std::string_view line) {
  const std::vector<std::string_view> words = split_words(line);
  if (words.empty()) {
    return false;
  }
  // A prefix, not the whole word: a glued typo ("loginbob secret") stays out too.
  for (const SecretBearingCommand& command : kSecretBearingCommands) {
    if (words[0].starts_with(command.name)) {
      return false;
    }
  }
  return true;
}

}  // namespace tsna::client
