// command_plan.hpp - what the client does with a typed line before anything is sent (SPEC 5.3):
// which commands need a password, what goes on the wire instead of the password, which lines
// may enter the history, and the seed's progress line for each. Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/secret.hpp"
#include "common/dialect.hpp"
#include "common/words.hpp"  // split_words: lines split as the server splits them

namespace tsna::client {

enum class CommandKind {
  kBlank,      // nothing typed: nothing is sent
  kPlain,      // sent as `wire` and its one reply shown
  kLogin,      // the login of SPEC 1.1 / 1.2 for `user`
  kRegister,   // `register <user> <hash>`
  kChangepwd,  // `changepwd <hash>`
};

struct CommandPlan {
  CommandKind kind = CommandKind::kBlank;
  // kPlain only: the request as sent. Any argument in a password's place is "***", so that a
  // line the server will refuse anyway never carries a password (it still gets the server's
  // own reply for its argument count).
  std::string wire;
  std::string user;                       // kLogin, kRegister
  std::optional<Secret> inline_password;  // the seed's inline form; else one must be asked for
  bool confirm = false;                   // ask twice (register, changepwd)
  std::string_view progress;              // "logining", ... or empty (SPEC 5.1 step 4)
};

// `logged_in` is the client's view of the session: when logged in, login and register are
// refused by the server (SPEC 2.1), so no password is asked for; when logged out, so is
// changepwd.
CommandPlan plan_command(std::string_view line, bool logged_in);

// The requests that carry a hash (SPEC 1.1, 1.2): "register <user> <hash>", "changepwd <hash>"
// and the classic "login <user> <hash>". The result is a secret: wipe() it after sending.
std::string register_request(std::string_view user, const Secret& hash);
std::string changepwd_request(const Secret& hash);
std::string classic_login_request(std::string_view user, const Secret& hash);

// False for a blank line and for one that may hold a password: any whose first word starts
// with login, register or changepwd. Such lines never enter the history (SPEC 5.4).
bool may_enter_history(std::string_view line);

}  // namespace tsna::client
