// scram_server.hpp - the server half of one SCRAM-SHA-256 or SCRAM-SHA-256-PLUS login (RFC 5802,
// RFC 7677, RFC 9266 tls-exporter) through GNU SASL, stepped by the sans-I/O session: base64
// lines in, base64 lines out (SPEC 1.2). The verifier (or a decoy) must be known before the
// first step: GNU SASL asks for it synchronously inside the step. No sockets; GNU SASL stays in
// the .cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "auth/scram_verifier.hpp"

namespace tsna::auth {

enum class ScramMechanism {
  kSha256,      // "SCRAM-SHA-256": plain TCP
  kSha256Plus,  // "SCRAM-SHA-256-PLUS": under TLS, bound to the tls-exporter value
};

// The mechanism's wire name, and the mechanism a wire name names (nullopt for any other).
std::string_view mechanism_name(ScramMechanism mechanism);
std::optional<ScramMechanism> mechanism_from_name(std::string_view name);

// What the server needs from the client-first message before the first step, read out of it
// without running the exchange: the user name ("n=", with "=2C" and "=3D" unescaped), after a
// gs2 header "n,,", "y,," or "p=<name>,," with or without "a=<authzid>". nullopt when
// `client_first_base64` is not canonical base64 of such a message (a NUL byte, an empty name,
// an "=" that starts neither escape, no "r=" nonce, the "m=" extension: all refused).
std::optional<std::string> client_first_user(std::string_view client_first_base64);

enum class ScramStep {
  kContinue,  // `out` holds the server-first message: send "300:<out>"
  kDone,      // the proof was right: `out` holds the server-final message
  kFailed,    // anything else: wrong proof, malformed message, binding mismatch...
};

class ScramServer {
 public:
  // One exchange for `mechanism` against `verifier` (a user's, or a decoy for an unknown name).
  // For kSha256Plus, `channel_binding` is the connection's 32-byte tls-exporter value; for
  // kSha256 it must be empty (std::invalid_argument otherwise, and for a verifier without a salt
  // or an iteration count). Throws std::runtime_error if GNU SASL cannot start a session.
  // Not thread safe: one thread at a time steps it (any thread).
  ScramServer(ScramMechanism mechanism, const ScramVerifier& verifier,
              std::span<const std::uint8_t> channel_binding = {});
  ~ScramServer();
  ScramServer(const ScramServer&) = delete;
  ScramServer& operator=(const ScramServer&) = delete;

  // Feeds the next client message (base64, as received) and sets `out` to the reply message
  // (base64; empty on kFailed). The first call takes client-first, the second client-final;
  // after kDone or kFailed the exchange is over and every further call fails. Besides GNU
  // SASL's own checks, client-first fails when its gs2 header does not fit the mechanism (kSha256
  // takes "n" or "y", kSha256Plus only "p=tls-exporter": no downgrade either way) or names an
  // authzid other than the user, or when GNU SASL reads another user name from it than
  // client_first_user() does. Never asks for a password, so never runs PBKDF2.
  ScramStep step(std::string_view client_message_base64, std::string& out);

  // The authentication identity GNU SASL read from client-first (empty before the first step,
  // and when client-first failed).
  std::string_view user() const;

  // Why the exchange failed, for logs and tests (never shown to the peer): GNU SASL's error
  // name ("GSASL_AUTHENTICATION_ERROR" for a wrong proof, a decoy's included) or one of ours
  // ("not base64", "client-first", "channel binding flag", "authzid", "user name", "exchange
  // over"). Empty while nothing failed.
  std::string_view failure_reason() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tsna::auth
