// session.cpp - the command loop of one connection: plan, password, hash, send, show.
#include "client/session.hpp"

#include <cstdio>

#include "client/login.hpp"
#include "client/messages.hpp"
#include "client/password_prompt.hpp"

namespace tsna::client {
namespace {

std::string seconds_text(std::chrono::milliseconds ms) {
  char buf[32];
  if (ms.count() % 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(ms.count() / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%.3g s", static_cast<double>(ms.count()) / 1000.0);
  }
  return buf;
}

}  // namespace

std::string describe_io(const IoResult& io, std::chrono::milliseconds timeout) {
  switch (io.status) {
    case IoStatus::kOk:
      return "OK";
    case IoStatus::kClosed:
      return std::string(msg::kClosedByServer);
    case IoStatus::kReset:
      return std::string(msg::kResetByServer);
    case IoStatus::kTimeout:
      return "No answer from the server within " + seconds_text(timeout) +
             "; closing the connection";
    case IoStatus::kInterrupted:
      return std::string(msg::kInterrupted);
    case IoStatus::kError:
      return "Connection error: " + io.detail;
    case IoStatus::kProtocol:
      break;
  }
  return "The server sent " + io.detail + "; closing the connection";
}

Session::Session(Connection& connection, const Console& console, SessionSettings settings)
    : connection_(connection), console_(console), settings_(std::move(settings)) {}

SessionEnd Session::run(CommandSource& input) {
  const std::string prompt = settings_.display + ":";
  for (;;) {
    std::string line;
    const LineStatus status = input.next(
        prompt, logged_in_ ? CompletionState::kLoggedIn : CompletionState::kLoggedOut, line);
    if (status == LineStatus::kInterrupted) {
      console_.end_open_line();
      console_.error(msg::kInterrupted);
      return SessionEnd::kInterrupted;
    }
    if (status == LineStatus::kEof) {
      if (console_.interactive()) {
        console_.end_open_line();
        console_.line(msg::kLeftSession);
      }
      return SessionEnd::kInputEnded;
    }
    input.remember(line);
    std::optional<SessionEnd> end = execute(line);
    if (!may_enter_history(line)) {
      wipe(line);  // it may hold an inline password
    }
    if (end) {
      return *end;
    }
  }
}

std::optional<SessionEnd> Session::execute(std::string_view line) {
  const CommandPlan plan = plan_command(line, logged_in_);
  if (plan.kind == CommandKind::kBlank) {
    return std::nullopt;
  }
  if (plan.kind == CommandKind::kPlain) {
    progress(plan.progress);
    return send_and_show(plan.wire, split_words(plan.wire).front());
  }
  Secret password;
  switch (obtain_password(plan, password)) {
    case PasswordOutcome::kOk:
      break;
    case PasswordOutcome::kSkip:
      return std::nullopt;
    case PasswordOutcome::kInterrupted:
      console_.error(msg::kInterrupted);
      return SessionEnd::kInterrupted;
    case PasswordOutcome::kMissing:
      return SessionEnd::kNoPassword;
  }
  const Secret hash = hash_password(password);
  password.clear();
  progress(plan.progress);
  if (plan.kind == CommandKind::kLogin) {
    return run_login(plan, hash, false);
  }
  std::string request = plan.kind == CommandKind::kRegister ? register_request(plan.user, hash)
                                                            : changepwd_request(hash);
  std::optional<SessionEnd> end = send_and_show(request, {});
  wipe(request);
  return end;
}

std::optional<SessionEnd> Session::log_in_silently(std::string_view user) {
  if (settings_.preset_password == nullptr) {
    return SessionEnd::kNoPassword;
  }
  CommandPlan plan;
  plan.kind = CommandKind::kLogin;
  plan.user = std::string(user);
  return run_login(plan, hash_password(*settings_.preset_password), true);
}

Session::PasswordOutcome Session::obtain_password(const CommandPlan& plan, Secret& password) {
  if (plan.inline_password) {
    password = Secret(std::string(plan.inline_password->view()));
    return PasswordOutcome::kOk;
  }
  if (settings_.preset_password != nullptr) {
    password = Secret(std::string(settings_.preset_password->view()));
    return PasswordOutcome::kOk;
  }
  const std::string command = plan.kind == CommandKind::kLogin      ? "login " + plan.user
                              : plan.kind == CommandKind::kRegister ? "register " + plan.user
                                                                    : "changepwd";
  if (!console_.interactive()) {
    console_.error("`" + command +
                   "` needs a password: give it inline, or set TSNA_PASSWORD or --password-file");
    return PasswordOutcome::kMissing;
  }
  const auto no_terminal = [&] {
    console_.error("`" + command + "` needs a password and there is no terminal to ask on");
    return PasswordOutcome::kMissing;
  };
  if (!plan.confirm) {
    switch (read_password(msg::kPasswordPrompt, password)) {
      case PromptStatus::kOk:
        return PasswordOutcome::kOk;
      case PromptStatus::kEof:
        console_.line(msg::kPasswordCancelled);
        return PasswordOutcome::kSkip;
      case PromptStatus::kInterrupted:
        return PasswordOutcome::kInterrupted;
      case PromptStatus::kNoTerminal:
        break;
    }
    return no_terminal();
  }
  switch (read_new_password(password)) {
    case ConfirmStatus::kOk:
      return PasswordOutcome::kOk;
    case ConfirmStatus::kMismatch:
      console_.line(msg::kPasswordsDiffer);
      return PasswordOutcome::kSkip;
    case ConfirmStatus::kEof:
      console_.line(msg::kPasswordCancelled);
      return PasswordOutcome::kSkip;
    case ConfirmStatus::kInterrupted:
      return PasswordOutcome::kInterrupted;
    case ConfirmStatus::kNoTerminal:
      break;
  }
  return no_terminal();
}

std::optional<SessionEnd> Session::run_login(const CommandPlan& plan, const Secret& hash,
                                             bool quiet) {
  const LoginResult login = log_in(connection_, plan.user, hash, [&] {
    if (!quiet) {
      progress(msg::kServerChallenge);
    }
  });
  if (!login.io.ok()) {
    return lost(login.io);
  }
  switch (login.outcome) {
    case LoginOutcome::kAnswered:
      break;
    case LoginOutcome::kUnprovenServer:
      // Its "200:login is successful" is not shown: nothing it says can be believed.
      last_reply_ = Reply{};
      saw_failure_ = true;
      console_.error(msg::unproven_server(settings_.display));
      return SessionEnd::kUnprovenServer;
    case LoginOutcome::kNameRefused:
      last_reply_ = Reply{};
      saw_failure_ = true;
      console_.error(msg::kNameRefusedBySaslprep);
      return std::nullopt;
  }
  if (login.reply.ok()) {
    logged_in_ = true;
  }
  return show(login.reply, quiet);
}

std::optional<SessionEnd> Session::send_and_show(const std::string& request,
                                                 std::string_view command) {
  IoResult io = connection_.send_request(request);
  Reply reply;
  if (io.ok()) {
    io = connection_.read_reply(reply);
  }
  if (!io.ok()) {
    return lost(io);
  }
  if (reply.ok() && command == "logout") {
    logged_in_ = false;
  }
  return show(reply, false);
}

std::optional<SessionEnd> Session::show(const Reply& reply, bool quiet) {
  last_reply_ = reply;
  if (!reply.ok()) {
    saw_failure_ = true;
  }
  if (!quiet) {
    if (console_.interactive()) {
      console_.line(settings_.display + ":");
      console_.line(terminal_safe(format_reply(reply)));
    } else {
      console_.line(format_reply(reply));
    }
  }
  if (reply.ok() && reply.text == "disconnected") {
    return SessionEnd::kDisconnected;
  }
  return std::nullopt;
}

SessionEnd Session::lost(const IoResult& io) {
  console_.error(describe_io(io, connection_.timeout()));
  return io.status == IoStatus::kInterrupted ? SessionEnd::kInterrupted : SessionEnd::kLost;
}

void Session::progress(std::string_view text) const {
  if (console_.interactive() && !text.empty()) {
    console_.line(text);
  }
}

}  // namespace tsna::client
