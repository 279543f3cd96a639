// scram_steps.hpp - a SCRAM-SHA-256 login in the steps a test drives by hand over TSNA/2 (SPEC
// 1.2), with GNU SASL's client: the `auth` request line, the client-final line for a `300:`
// reply, and the check of the server-final in a `200-` reply. Header-only.
#pragma once

#include <string>
#include <string_view>

#include "auth/scram_client.hpp"

namespace tsna::testing {

class ScramSteps {
 public:
  ScramSteps(std::string_view user, std::string_view hash,
             auth::ScramMechanism mechanism = auth::ScramMechanism::kSha256,
             std::span<const std::uint8_t> binding = {})
      : mechanism_(mechanism), client_(mechanism, user, hash, binding) {}

  // "auth SCRAM-SHA-256 <client-first>\n".
  std::string auth_line() {
    return "auth " + std::string(auth::mechanism_name(mechanism_)) + " " + client_.first() + "\n";
  }

  // The client-final line for a "300:<server-first>\n" reply; empty if the reply is not one.
  std::string answer_line(std::string_view reply) {
    if (!reply.starts_with("300:") || !reply.ends_with("\n")) {
      return {};
    }
    std::string out;
    if (client_.step(reply.substr(4, reply.size() - 5), out) != auth::ScramClientStep::kContinue) {
      return {};
    }
    return out + "\n";
  }

  // True when `reply` is "200-<server-final>\n200:login is successful\n" and the server-final
  // proves the server holds the user's verifier.
  bool server_proved(std::string_view reply) {
    constexpr std::string_view kLast = "200:login is successful\n";
    if (!reply.starts_with("200-") || !reply.ends_with(kLast)) {
      return false;
    }
    const std::string_view final_b64 = reply.substr(4, reply.size() - 4 - kLast.size() - 1);
    std::string unused;
    return client_.step(final_b64, unused) == auth::ScramClientStep::kServerVerified;
  }

 private:
  auth::ScramMechanism mechanism_;
  auth::ScramClient client_;
};

}  // namespace tsna::testing
