// scram_client.hpp - the client half of a SCRAM-SHA-256(-PLUS) login through GNU SASL, for `tsna`
// and `tsna-bench` (SPEC 1.2): client-first, client-final, and the check of the server's
// signature in server-final, which proves the server holds the user's verifier (mutual
// authentication). No sockets; GNU SASL stays in the .cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/scram_server.hpp"

namespace tsna::auth {

// Salted passwords (PBKDF2 outputs) a client may reuse, keyed by (user, salt, iterations), as
// real SCRAM clients may: a repeated login then costs no PBKDF2. Thread safe.
class SaltedPasswordCache {
 public:
  // The salted password for the key, or empty.
  std::string find(std::string_view user, std::string_view salt_base64,
                   std::uint32_t iterations) const;
  void put(std::string_view user, std::string_view salt_base64, std::uint32_t iterations,
           std::string salted_password);

 private:
  static std::string key(std::string_view user, std::string_view salt_base64,
                         std::uint32_t iterations);
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::string> entries_;
};

enum class ScramClientStep {
  kContinue,        // `out` is the next message to send
  kServerVerified,  // server-final carried the right signature
  kFailed,          // a malformed server message, or a server-final that proves nothing
};

class ScramClient {
 public:
  // `user` goes into client-first (as SCRAM clients do, after SASLprep); `scram_password` is
  // the 32 hex characters of ntlm_hash(password). For kSha256Plus, `channel_binding` is the
  // connection's tls-exporter value. `cache` may be null. Throws std::runtime_error if GNU SASL
  // cannot start a session.
  ScramClient(ScramMechanism mechanism, std::string_view user, std::string_view scram_password,
              std::span<const std::uint8_t> channel_binding = {},
              SaltedPasswordCache* cache = nullptr);
  ~ScramClient();
  ScramClient(const ScramClient&) = delete;
  ScramClient& operator=(const ScramClient&) = delete;

  // client-first (base64).
  std::string first();
  // Feeds server-first (giving client-final in `out`), then server-final (kServerVerified when
  // its signature is right).
  ScramClientStep step(std::string_view server_message_base64, std::string& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tsna::auth
