// scram_client.cpp - the client half of SCRAM by GNU SASL: the name and the binding set before
// the first step; GNU SASL's request for the salted password answered from the cache or by
// OpenSSL's PBKDF2 (3-4 times faster here than GNU SASL's own), never with the password.
#include "auth/scram_client.hpp"

#include <openssl/crypto.h>

#include <array>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include "auth/gsasl_session.hpp"
#include "auth/hex.hpp"
#include "auth/scram_verifier.hpp"

namespace tsna::auth {
namespace {

void wipe(std::string& s) {
  OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

// GNU SASL's decimal iteration count (it prints a size_t), if it is one we accept.
std::optional<std::uint32_t> accepted_iterations(const char* text) {
  if (text == nullptr) {
    return std::nullopt;
  }
  const std::string_view digits(text);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value < kMinScramIterations ||
      value > kMaxScramIterations) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(value);
}

}  // namespace

SaltedPasswordCache::~SaltedPasswordCache() {
  wipe_all();
}

std::string SaltedPasswordCache::key(std::string_view user, std::string_view scram_password,
                                     std::string_view salt_base64, std::uint32_t iterations) {
  std::string k;
  k.reserve(user.size() + scram_password.size() + salt_base64.size() + 16);
  k.append(user).push_back('\0');
  k.append(scram_password).push_back('\0');
  k.append(salt_base64).push_back('\0');
  k.append(std::to_string(iterations));
  return k;
}

void SaltedPasswordCache::wipe_all() {
  for (auto& [k, v] : entries_) {
    OPENSSL_cleanse(const_cast<char*>(k.data()), k.size());
    OPENSSL_cleanse(v.data(), v.size());
  }
  entries_.clear();
}

std::string SaltedPasswordCache::find(std::string_view user, std::string_view scram_password,
                                      std::string_view salt_base64,
                                      std::uint32_t iterations) const {
  std::string k = key(user, scram_password, salt_base64, iterations);
  std::string found;
  {
    const std::lock_guard lock(mutex_);
    if (const auto it = entries_.find(k); it != entries_.end()) {
      found = it->second;
    }
  }
  wipe(k);
  return found;
}

void SaltedPasswordCache::put(std::string_view user, std::string_view scram_password,
                              std::string_view salt_base64, std::uint32_t iterations,
                              std::string salted_password) {
  std::string k = key(user, scram_password, salt_base64, iterations);
  const std::lock_guard lock(mutex_);
  if (capacity_ == 0) {
    wipe(k);
    wipe(salted_password);
    return;
  }
  if (entries_.size() >= capacity_ && entries_.find(k) == entries_.end()) {
    wipe_all();
  }
  auto [it, inserted] = entries_.try_emplace(std::move(k), std::move(salted_password));
  if (!inserted) {
    wipe(salted_password);  // the value is the same: PBKDF2 is a function of the key
  }
}

std::size_t SaltedPasswordCache::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

struct ScramClient::Impl final : detail::PropertyAnswerer {
  enum class State { kFirst, kServerFirst, kServerFinal, kOver };

  Impl(ScramMechanism mechanism, std::string_view user, std::string_view scram_password,
       SaltedPasswordCache* cache)
      : user(user),
        password(scram_password),
        cache(cache),
        session(detail::Role::kClient, mechanism_name(mechanism).data(), *this) {}
  ~Impl() { wipe(password); }

  int answer(Gsasl_session* s, Gsasl_property property) noexcept override {
    if (property != GSASL_SCRAM_SALTED_PASSWORD) {
      // GSASL_PASSWORD (GNU SASL would run its own PBKDF2), the authzid, tls-unique, and the
      // binding of a plain client: none is given.
      return GSASL_NO_CALLBACK;
    }
    try {
      return answer_salted_password(s);
    } catch (...) {
      reason = "salted password";
      return GSASL_MALLOC_ERROR;
    }
  }

  // GNU SASL has set the server's salt (base64, as sent) and iteration count (decimal) and
  // wants SaltedPassword as lowercase hex (lib/scram/client.c; with anything else it asks for
  // the password instead).
  int answer_salted_password(Gsasl_session* s) {
    const std::optional<std::uint32_t> iterations =
        accepted_iterations(gsasl_property_fast(s, GSASL_SCRAM_ITER));
    if (!iterations) {
      reason = "iteration count";
      return GSASL_AUTHENTICATION_ERROR;
    }
    const char* salt_text = gsasl_property_fast(s, GSASL_SCRAM_SALT);
    const std::optional<std::vector<std::uint8_t>> salt =
        salt_text != nullptr ? from_base64(salt_text) : std::nullopt;
    if (!salt) {
      reason = "salt";
      return GSASL_AUTHENTICATION_ERROR;
    }
    std::string hex = cache != nullptr ? cache->find(user, password, salt_text, *iterations) : "";
    if (hex.empty()) {
      std::array<std::uint8_t, kScramKeyBytes> salted =
          salted_password(password, *salt, *iterations);
      ++pbkdf2_runs;
      hex = to_hex(salted);
      OPENSSL_cleanse(salted.data(), salted.size());
      if (cache != nullptr) {
        cache->put(user, password, salt_text, *iterations, hex);
      }
    }
    const int rc = gsasl_property_set(s, GSASL_SCRAM_SALTED_PASSWORD, hex.c_str());
    wipe(hex);
    return rc;
  }

  ScramClientStep fail(std::string_view why, std::string& out) {
    state = State::kOver;
    out.clear();
    if (reason.empty()) {
      reason = why;
    }
    return ScramClientStep::kFailed;
  }

  std::string user;
  std::string password;
  SaltedPasswordCache* cache;
  detail::GsaslSession session;
  State state = State::kFirst;
  std::uint32_t pbkdf2_runs = 0;
  std::string_view reason;  // a static string: ours or GNU SASL's error name
};

ScramClient::ScramClient(ScramMechanism mechanism, std::string_view user,
                         std::string_view scram_password,
                         std::span<const std::uint8_t> channel_binding,
                         SaltedPasswordCache* cache) {
  if ((mechanism == ScramMechanism::kSha256Plus) == channel_binding.empty()) {
    throw std::invalid_argument(
        "auth: SCRAM-SHA-256-PLUS takes a channel binding, SCRAM-SHA-256 none");
  }
  impl_ = std::make_unique<Impl>(mechanism, user, scram_password, cache);
  impl_->session.set(GSASL_AUTHID, std::string(user));
  if (mechanism == ScramMechanism::kSha256Plus) {
    // With this set GNU SASL's -PLUS client sends "p=tls-exporter" (RFC 9266).
    impl_->session.set(GSASL_CB_TLS_EXPORTER, to_base64(channel_binding));
  }
}

ScramClient::~ScramClient() = default;

std::string ScramClient::first() {
  Impl& s = *impl_;
  std::string out;
  if (s.state != Impl::State::kFirst) {
    s.fail("exchange over", out);
    return out;
  }
  if (s.user.find('\0') != std::string::npos) {
    s.fail("user name", out);  // GNU SASL would cut the name there
    return out;
  }
  std::string message;
  const int rc = s.session.step({}, message);
  if (rc != GSASL_NEEDS_MORE || message.empty()) {
    s.fail(detail::error_name(rc), out);
    return out;
  }
  s.state = Impl::State::kServerFirst;
  return to_base64(bytes_of(message));
}

ScramClientStep ScramClient::step(std::string_view server_message_base64, std::string& out) {
  Impl& s = *impl_;
  if (s.state != Impl::State::kServerFirst && s.state != Impl::State::kServerFinal) {
    return s.fail("exchange over", out);
  }
  const std::optional<std::vector<std::uint8_t>> bytes = from_base64(server_message_base64);
  if (!bytes) {
    return s.fail("not base64", out);
  }
  const std::string message(bytes->begin(), bytes->end());
  if (message.find('\0') != std::string::npos) {
    return s.fail("NUL byte", out);  // SCRAM messages are text; GNU SASL reads C strings
  }
  std::string reply;
  const int rc = s.session.step(message, reply);
  if (s.state == Impl::State::kServerFirst) {
    if (rc != GSASL_NEEDS_MORE || reply.empty()) {
      return s.fail(detail::error_name(rc), out);
    }
    s.state = Impl::State::kServerFinal;
    out = to_base64(bytes_of(reply));
    OPENSSL_cleanse(reply.data(), reply.size());
    return ScramClientStep::kContinue;
  }
  if (rc != GSASL_OK) {
    return s.fail(detail::error_name(rc), out);
  }
  s.state = Impl::State::kOver;
  out.clear();
  return ScramClientStep::kServerVerified;
}

std::uint32_t ScramClient::pbkdf2_runs() const {
  return impl_->pbkdf2_runs;
}

std::string_view ScramClient::failure_reason() const {
  return impl_->reason;
}

}  // namespace tsna::auth
