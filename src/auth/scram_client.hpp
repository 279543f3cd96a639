// scram_client.hpp - the client half of a SCRAM-SHA-256(-PLUS) login through GNU SASL, for `tsna`
// and `tsna-bench` (SPEC 1.2): client-first, client-final, and the check of the server's
// signature in server-final, which proves the server holds the user's verifier (mutual
// authentication). No sockets; GNU SASL stays in the .cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/scram_server.hpp"

namespace tsna::auth {

// Salted passwords (PBKDF2 outputs) a client may reuse, keyed by (user, SCRAM password, salt,
// iterations), as real SCRAM clients may: a repeated login then costs no PBKDF2. The password is
// part of the key because the salted password depends on it: keyed without it, one mistyped
// password would be replayed for that user and salt forever. Entries are password equivalents
// for the server that sent the salt: kept in memory only, wiped when dropped. At most
// `capacity` entries; a full cache is emptied before the next one is added. Thread safe: every
// member function holds an internal mutex for a map lookup or insert.
class SaltedPasswordCache {
 public:
  static constexpr std::size_t kDefaultCapacity = 65536;
  explicit SaltedPasswordCache(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}
  ~SaltedPasswordCache();
  SaltedPasswordCache(const SaltedPasswordCache&) = delete;
  SaltedPasswordCache& operator=(const SaltedPasswordCache&) = delete;

  // The salted password for the key (64 lowercase hex characters, GNU SASL's form), or empty.
  std::string find(std::string_view user, std::string_view scram_password,
                   std::string_view salt_base64, std::uint32_t iterations) const;
  void put(std::string_view user, std::string_view scram_password, std::string_view salt_base64,
           std::uint32_t iterations, std::string salted_password);
  std::size_t size() const;

 private:
  static std::string key(std::string_view user, std::string_view scram_password,
                         std::string_view salt_base64, std::uint32_t iterations);
  void wipe_all();  // with mutex_ held

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::string> entries_;  // guarded by mutex_
};

enum class ScramClientStep {
  kContinue,        // `out` is the next message to send
  kServerVerified,  // server-final carried the right signature
  kFailed,          // a malformed server message, or a server-final that proves nothing
};

class ScramClient {
 public:
  // `user` goes into client-first (GNU SASL applies SASLprep to it, as SCRAM clients do);
  // `scram_password` is the 32 hex characters of ntlm_hash(password). For kSha256Plus,
  // `channel_binding` is the connection's tls-exporter value; for kSha256 it must be empty
  // (std::invalid_argument otherwise). `cache` may be null; it must outlive the client. Throws
  // std::runtime_error if GNU SASL cannot start a session. Not thread safe: one thread at a
  // time steps it (any thread).
  ScramClient(ScramMechanism mechanism, std::string_view user, std::string_view scram_password,
              std::span<const std::uint8_t> channel_binding = {},
              SaltedPasswordCache* cache = nullptr);
  ~ScramClient();
  ScramClient(const ScramClient&) = delete;
  ScramClient& operator=(const ScramClient&) = delete;

  // client-first (base64), once; empty when the name is refused (SASLprep, a NUL byte) or when
  // called again.
  std::string first();
  // Feeds server-first (giving client-final in `out`), then server-final (kServerVerified when
  // its signature is right). A server-first whose iteration count is outside
  // [kMinScramIterations, kMaxScramIterations] fails: too few make the proof cheap to attack
  // offline, too many would have the client compute for ever. After kServerVerified or kFailed
  // every further call fails.
  ScramClientStep step(std::string_view server_message_base64, std::string& out);

  // PBKDF2 runs this client cost: 1 once server-first was answered, or 0 when the salted
  // password came from the cache. GNU SASL's own PBKDF2 never runs: the client answers its
  // request for the salted password with auth::salted_password() (OpenSSL) or the cache.
  std::uint32_t pbkdf2_runs() const;

  // Why the exchange failed, for messages and tests: GNU SASL's error name
  // ("GSASL_AUTHENTICATION_ERROR" for a server-final with a wrong signature) or one of ours
  // ("not base64", "NUL byte", "iteration count", "salt", "user name", "exchange over").
  // Empty while nothing failed.
  std::string_view failure_reason() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tsna::auth
