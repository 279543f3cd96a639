// scram_server.cpp - the server half of SCRAM by GNU SASL: every property it needs (salt,
// iterations, StoredKey, ServerKey, the tls-exporter binding) set before the first step, so
// its callback is never needed; around it, the gs2 header checks GNU SASL leaves to us.
#include "auth/scram_server.hpp"

#include <openssl/crypto.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/gsasl_session.hpp"

namespace tsna::auth {
namespace {

constexpr std::string_view kSha256Name = "SCRAM-SHA-256";
constexpr std::string_view kSha256PlusName = "SCRAM-SHA-256-PLUS";
constexpr std::string_view kTlsExporter = "tls-exporter";  // RFC 9266

// The gs2 header and user name of a client-first message (RFC 5802 section 7), nothing more:
// GNU SASL parses the whole message when it steps.
struct ClientFirstHead {
  char binding_flag = 'n';             // 'n', 'y' or 'p'
  std::string binding_name;            // after "p=": "tls-exporter", "tls-unique"...
  std::optional<std::string> authzid;  // "a=", unescaped
  std::string user;                    // "n=", unescaped
};

// A saslname up to the next ',' (or the end): "=2C" is ',', "=3D" is '=', any other '=' and an
// empty name are refused. Advances `text` past the name.
std::optional<std::string> take_saslname(std::string_view& text) {
  std::string out;
  std::size_t i = 0;
  for (; i < text.size() && text[i] != ','; ++i) {
    if (text[i] != '=') {
      out.push_back(text[i]);
    } else if (text.substr(i, 3) == "=2C") {
      out.push_back(',');
      i += 2;
    } else if (text.substr(i, 3) == "=3D") {
      out.push_back('=');
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  if (out.empty()) {
    return std::nullopt;
  }
  text.remove_prefix(i);
  return out;
}

bool take(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) {
    return false;
  }
  text.remove_prefix(prefix.size());
  return true;
}

bool is_binding_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

std::optional<ClientFirstHead> parse_client_first_head(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  ClientFirstHead head;
  if (take(text, "p=")) {
    head.binding_flag = 'p';
    std::size_t n = 0;
    while (n < text.size() && is_binding_name_char(text[n])) {
      ++n;
    }
    if (n == 0) {
      return std::nullopt;
    }
    head.binding_name = std::string(text.substr(0, n));
    text.remove_prefix(n);
  } else if (take(text, "n")) {
    head.binding_flag = 'n';
  } else if (take(text, "y")) {
    head.binding_flag = 'y';
  } else {
    return std::nullopt;
  }
  if (!take(text, ",")) {
    return std::nullopt;
  }
  if (take(text, "a=")) {
    head.authzid = take_saslname(text);
    if (!head.authzid) {
      return std::nullopt;
    }
  }
  if (!take(text, ",") || !take(text, "n=")) {
    return std::nullopt;  // "m=" (a mandatory extension) is refused here too
  }
  std::optional<std::string> user = take_saslname(text);
  if (!user || !take(text, ",r=") || text.empty() || text.front() == ',') {
    return std::nullopt;
  }
  head.user = std::move(*user);
  return head;
}

std::optional<std::string> decode_message(std::string_view base64) {
  std::optional<std::vector<std::uint8_t>> bytes = from_base64(base64);
  if (!bytes) {
    return std::nullopt;
  }
  std::string text(bytes->begin(), bytes->end());
  if (text.find('\0') != std::string::npos) {
    return std::nullopt;  // SCRAM messages are text; GNU SASL reads some fields as C strings
  }
  return text;
}

}  // namespace

std::string_view mechanism_name(ScramMechanism mechanism) {
  return mechanism == ScramMechanism::kSha256Plus ? kSha256PlusName : kSha256Name;
}

std::optional<ScramMechanism> mechanism_from_name(std::string_view name) {
  if (name == kSha256Name) {
    return ScramMechanism::kSha256;
  }
  if (name == kSha256PlusName) {
    return ScramMechanism::kSha256Plus;
  }
  return std::nullopt;
}

std::optional<std::string> client_first_user(std::string_view client_first_base64) {
  const std::optional<std::string> text = decode_message(client_first_base64);
  if (!text) {
    return std::nullopt;
  }
  std::optional<ClientFirstHead> head = parse_client_first_head(*text);
  if (!head) {
    return std::nullopt;
  }
  return std::move(head->user);
}

struct ScramServer::Impl final : detail::PropertyAnswerer {
  enum class State { kClientFirst, kClientFinal, kOver };

  explicit Impl(ScramMechanism m) : mechanism(m), session(detail::Role::kServer, name(m), *this) {}

  static const char* name(ScramMechanism m) { return mechanism_name(m).data(); }

  // Every property was set before the first step; GNU SASL asks only for what it lacks.
  // GSASL_PASSWORD would be the one that costs a PBKDF2; it is never answered.
  int answer(Gsasl_session* /*session*/, Gsasl_property /*property*/) noexcept override {
    return GSASL_NO_CALLBACK;
  }

  ScramStep fail(std::string_view why, std::string& out) {
    state = State::kOver;
    out.clear();
    reason = why;
    return ScramStep::kFailed;
  }

  ScramMechanism mechanism;
  detail::GsaslSession session;
  State state = State::kClientFirst;
  std::string user;
  std::string_view reason;  // a static string: ours or GNU SASL's error name
};

ScramServer::ScramServer(ScramMechanism mechanism, const ScramVerifier& verifier,
                         std::span<const std::uint8_t> channel_binding) {
  if ((mechanism == ScramMechanism::kSha256Plus) == channel_binding.empty()) {
    throw std::invalid_argument(
        "auth: SCRAM-SHA-256-PLUS takes a channel binding, SCRAM-SHA-256 none");
  }
  if (verifier.salt.empty() || verifier.iterations == 0) {
    throw std::invalid_argument("auth: a SCRAM verifier needs a salt and an iteration count");
  }
  impl_ = std::make_unique<Impl>(mechanism);
  detail::GsaslSession& s = impl_->session;
  // The formats GNU SASL 2.2.0 reads (lib/scram/server.c): iterations in decimal, the salt and
  // both keys in base64 (gsasl.h calls the keys hex, but hex keys fail every login), the
  // binding in base64. Without a salt it would pick a random one per attempt, and without keys
  // it would ask for a password and fail before any HMAC: a decoy must set all of them.
  s.set(GSASL_SCRAM_ITER, std::to_string(verifier.iterations));
  s.set(GSASL_SCRAM_SALT, to_base64(verifier.salt));
  std::string key = to_base64(verifier.stored_key);
  s.set(GSASL_SCRAM_STOREDKEY, key);
  OPENSSL_cleanse(key.data(), key.size());
  key = to_base64(verifier.server_key);
  s.set(GSASL_SCRAM_SERVERKEY, key);
  OPENSSL_cleanse(key.data(), key.size());
  if (mechanism == ScramMechanism::kSha256Plus) {
    s.set(GSASL_CB_TLS_EXPORTER, to_base64(channel_binding));
  }
}

ScramServer::~ScramServer() = default;

ScramStep ScramServer::step(std::string_view client_message_base64, std::string& out) {
  Impl& s = *impl_;
  if (s.state == Impl::State::kOver) {
    return s.fail(s.reason.empty() ? "exchange over" : s.reason, out);  // keeps the first reason
  }
  const std::optional<std::string> message = decode_message(client_message_base64);
  if (!message) {
    return s.fail("not base64", out);
  }
  std::string reply;
  if (s.state == Impl::State::kClientFirst) {
    const std::optional<ClientFirstHead> head = parse_client_first_head(*message);
    if (!head) {
      return s.fail("client-first", out);
    }
    // No downgrade: "p" on the plain mechanism, or "n"/"y" (or another binding type) on -PLUS.
    // GNU SASL refuses the second itself but would run the first (its plain server accepts a
    // "p" header whose c= carries no binding data).
    const bool plus = s.mechanism == ScramMechanism::kSha256Plus;
    if (plus ? head->binding_flag != 'p' || head->binding_name != kTlsExporter
             : head->binding_flag == 'p') {
      return s.fail("channel binding flag", out);
    }
    if (head->authzid && *head->authzid != head->user) {
      return s.fail("authzid", out);
    }
    const int rc = s.session.step(*message, reply);
    if (rc != GSASL_NEEDS_MORE || reply.empty()) {
      return s.fail(rc == GSASL_NEEDS_MORE ? "client-first" : detail::error_name(rc), out);
    }
    // The verifier was fetched for client_first_user()'s name: GNU SASL must be checking that
    // same name (it unescapes more leniently; a difference means a crafted message).
    const char* authid = s.session.peek(GSASL_AUTHID);
    if (authid == nullptr || head->user != authid) {
      return s.fail("user name", out);
    }
    s.user = head->user;
    s.state = Impl::State::kClientFinal;
    out = to_base64(std::span(reinterpret_cast<const std::uint8_t*>(reply.data()), reply.size()));
    return ScramStep::kContinue;
  }
  const int rc = s.session.step(*message, reply);
  if (rc != GSASL_OK || reply.empty()) {
    return s.fail(rc == GSASL_OK ? "client-final" : detail::error_name(rc), out);
  }
  s.state = Impl::State::kOver;
  out = to_base64(std::span(reinterpret_cast<const std::uint8_t*>(reply.data()), reply.size()));
  return ScramStep::kDone;
}

std::string_view ScramServer::user() const {
  return impl_->user;
}

std::string_view ScramServer::failure_reason() const {
  return impl_->reason;
}

}  // namespace tsna::auth
