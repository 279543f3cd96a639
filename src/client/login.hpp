// login.hpp - the client half of both logins (SPEC 1.1, 1.2). Classic: `login NAME HASH`, the 8
// raw challenge bytes, the 32 raw HMAC bytes. TSNA/2: SCRAM-SHA-256 (-PLUS under TLS) through
// auth/scram_client.hpp, whose server-final proves the server holds the user's verifier; the
// hash never leaves the client. No terminal I/O.
#pragma once

#include <functional>
#include <string_view>

#include "client/connection.hpp"
#include "client/secret.hpp"

namespace tsna::client {

enum class LoginOutcome {
  kAnswered,  // `reply` is the server's answer: 200 (in TSNA/2 with a verified server-final, whose
              // line is dropped, leaving `200:login is successful`) or a refusal (400, or any
              // reply to the auth request other than a challenge)
  kUnprovenServer,  // TSNA/2: the server said 200 without a server-final that proves it holds
                    // the user's verifier: it may be an impostor, and the session must end
  kNameRefused,     // TSNA/2: SASLprep refuses the name, so no SCRAM login can carry it;
                    // nothing was sent
};

struct LoginResult {
  IoResult io;  // not ok: the connection failed, or the server sent no TSNA reply (or a
                // challenge that is not SCRAM's); the other fields are then unset
  LoginOutcome outcome = LoginOutcome::kAnswered;
  Reply reply;
};

// Logs in as `user` with the password hash `hash` in the connection's dialect. `on_challenge`
// runs when the server's challenge arrives (the seed printed "Server challenge"); a refusal
// before any challenge, such as throttling, comes without one. In TSNA/2 the mechanism is
// SCRAM-SHA-256-PLUS, bound to the connection's tls-exporter value, when the connection has
// one (TLS), SCRAM-SHA-256 otherwise.
LoginResult log_in(Connection& connection, std::string_view user, const Secret& hash,
                   const std::function<void()>& on_challenge);

}  // namespace tsna::client
