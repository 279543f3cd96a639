// command.hpp - the command table and dispatcher (SPEC 2): decides, for one request line and
// the connection's state, the reply or the effect the session must carry out. Pure: knows
// nothing of sockets, the store or crypto; the session layer performs the effects.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/dialect.hpp"

namespace tsna {

enum class Action {
  kReply,           // send `code` and `text`; nothing else changes
  kExit,            // send "200:disconnected", then close the connection
  kLogout,          // send `text` (200), then the connection is logged out
  kRegister,        // `name` and `hash` are well-formed: add them to the store, then reply
  kChangePassword,  // `hash` is well-formed: refuse if it is the current one, else store it
  kLoginClassic,    // `name` and `hash` are well-formed: the classic login (SPEC 1.1)
  kAuth,            // TSNA/2 `auth MECHANISM MESSAGE`: begin a SCRAM login (SPEC 1.2); the
                    // session checks the mechanism and the message
};

struct CommandContext {
  Dialect dialect = Dialect::kClassic;
  bool allow_classic_login = false;      // --allow-classic
  std::optional<std::string_view> user;  // the logged-in user, if any
  // A further test a syntactically valid name must pass to be registered (SASLprep leaves it
  // unchanged, SPEC 2.2); the commands know no SASLprep, so the session supplies it. Null: none.
  bool (*registrable_name)(std::string_view name) = nullptr;
};

struct Outcome {
  Action action = Action::kReply;
  bool ok = false;        // kReply: 200 when true, else 400
  std::string_view text;  // kReply/kLogout: the reply text (static or in the caller's scratch)
  std::string_view name;  // kRegister/kLoginClassic: views into the request line; kAuth: the
                          // mechanism word
  std::string_view hash;  // kRegister/kChangePassword/kLoginClassic; kAuth: the message
};

// Decides what `line` (one request, line end removed) means in state `ctx`. Reply texts that
// must be assembled (numbers, user names) are written to `scratch`, which `text` may view.
// Never allocates once `scratch` has grown to the longest reply.
Outcome dispatch(std::string_view line, const CommandContext& ctx, std::string& scratch);

// The names in the command table (SPEC 2.1), in its order: the metrics label them.
std::span<const std::string_view> command_names();

}  // namespace tsna
