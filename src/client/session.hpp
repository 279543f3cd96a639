// session.hpp - one connected session (SPEC 5.1 step 3-4, 5.3, 5.5): takes commands from a
// CommandSource, gets passwords for the commands that need them, hashes them, runs the login,
// and shows each reply as the seed did (interactive) or as its bare text (scripts). Tracks
// whether the user is logged in, for completion and for which commands ask for a password;
// ends the session when a server cannot prove it holds the user's verifier.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "client/command_plan.hpp"
#include "client/connection.hpp"
#include "client/console.hpp"
#include "client/input.hpp"
#include "client/secret.hpp"

namespace tsna::client {

enum class SessionEnd {
  kDisconnected,    // the server answered `exit` with 200:disconnected and closed
  kInputEnded,      // no more commands: Ctrl-D at the prompt, or the end of a script
  kLost,            // closed, reset, timed out or garbled (the reason was printed)
  kInterrupted,     // a stop signal (Ctrl-C)
  kNoPassword,      // a script needed a password and none was given (the reason was printed)
  kUnprovenServer,  // a TSNA/2 login's 200 came without the server's proof that it holds the
                    // user's verifier: it may be an impostor (the reason was printed)
};

struct SessionSettings {
  // "<ip>:<port>", shown as the prompt and before each reply (interactive only).
  std::string display;
  // From --password-file or TSNA_PASSWORD: used instead of asking, for every command.
  const Secret* preset_password = nullptr;
};

class Session {
 public:
  Session(Connection& connection, const Console& console, SessionSettings settings);

  // Reads and runs commands until the session ends.
  SessionEnd run(CommandSource& input);

  // Runs one typed line; nullopt while the session goes on.
  std::optional<SessionEnd> execute(std::string_view line);

  // --user in a script (SPEC 5.5): logs in with the preset password without printing
  // anything (kNoPassword, silently, when there is none). The reply is then in last_reply()
  // (code 0 when no reply came: the reason was printed); nullopt means the login ran
  // (successfully or not).
  std::optional<SessionEnd> log_in_silently(std::string_view user);

  bool logged_in() const { return logged_in_; }
  bool saw_failure() const { return saw_failure_; }
  const Reply& last_reply() const { return last_reply_; }

 private:
  enum class PasswordOutcome { kOk, kSkip, kInterrupted, kMissing };

  PasswordOutcome obtain_password(const CommandPlan& plan, Secret& password);
  std::optional<SessionEnd> run_login(const CommandPlan& plan, const Secret& hash, bool quiet);
  std::optional<SessionEnd> send_and_show(const std::string& request, std::string_view command);
  // Shows the reply and records it; kDisconnected after "200:disconnected".
  std::optional<SessionEnd> show(const Reply& reply, bool quiet);
  SessionEnd lost(const IoResult& io);
  void progress(std::string_view text) const;

  Connection& connection_;
  const Console& console_;
  SessionSettings settings_;
  bool logged_in_ = false;
  bool saw_failure_ = false;
  Reply last_reply_;
};

// A one-line description of why a connection ended or failed, for the user. `timeout` is the
// limit that a kTimeout passed.
std::string describe_io(const IoResult& io, std::chrono::milliseconds timeout);

}  // namespace tsna::client
