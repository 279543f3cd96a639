// login.cpp - both logins over a Connection: the classic one with auth/ntlm.hpp's answer, the
// TSNA/2 one with auth/scram_client.hpp (GNU SASL), base64 lines in the SMTP AUTH manner.
#include "client/login.hpp"

#include <openssl/crypto.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "auth/ntlm.hpp"
#include "auth/scram_client.hpp"
#include "client/command_plan.hpp"
#include "protocol/scram_login.hpp"

namespace tsna::client {
namespace {

LoginResult answered(Reply reply) {
  LoginResult r;
  r.reply = std::move(reply);
  return r;
}

LoginResult failed(IoResult io) {
  LoginResult r;
  r.io = std::move(io);
  return r;
}

LoginResult log_in_classic(Connection& connection, std::string_view user, const Secret& hash,
                           const std::function<void()>& on_challenge) {
  std::string request = classic_login_request(user, hash);
  IoResult r = connection.send_request(request);
  wipe(request);
  if (!r.ok()) {
    return failed(std::move(r));
  }
  std::array<std::uint8_t, auth::kClassicChallengeBytes> challenge{};
  bool is_challenge = false;
  Reply reply;
  r = connection.read_classic_challenge(challenge, is_challenge, reply);
  if (!r.ok()) {
    return failed(std::move(r));
  }
  if (!is_challenge) {
    return answered(std::move(reply));
  }
  on_challenge();
  auth::Digest answer = auth::classic_response(hash.view(), challenge);
  r = connection.send_raw(answer);
  OPENSSL_cleanse(answer.data(), answer.size());
  if (!r.ok()) {
    return failed(std::move(r));
  }
  r = connection.read_reply(reply);
  return r.ok() ? answered(std::move(reply)) : failed(std::move(r));
}

// A 200 reply to client-final: "<server-final>\n<text>" (the lines "200-<server-final>" and
// "200:<text>"), the server-final verified by `scram`. On success the reply keeps only its text.
bool server_proved_itself(auth::ScramClient& scram, Reply& reply) {
  const std::size_t nl = reply.text.find('\n');
  if (nl == std::string::npos || reply.text.find('\n', nl + 1) != std::string::npos) {
    return false;
  }
  std::string none;
  if (scram.step(std::string_view(reply.text).substr(0, nl), none) !=
      auth::ScramClientStep::kServerVerified) {
    return false;
  }
  reply.text.erase(0, nl + 1);
  return true;
}

LoginResult log_in_scram(Connection& connection, std::string_view user, const Secret& hash,
                         const std::function<void()>& on_challenge) {
  const std::optional<std::array<std::uint8_t, 32>> binding = connection.channel_binding();
  const auth::ScramMechanism mechanism =
      binding ? auth::ScramMechanism::kSha256Plus : auth::ScramMechanism::kSha256;
  std::span<const std::uint8_t> binding_bytes;
  if (binding) {
    binding_bytes = *binding;
  }
  auth::ScramClient scram(mechanism, user, hash.view(), binding_bytes);
  const std::string client_first = scram.first();
  if (client_first.empty()) {
    LoginResult r;
    r.outcome = LoginOutcome::kNameRefused;
    return r;
  }
  IoResult io =
      connection.send_request(auth_request(auth::mechanism_name(mechanism), client_first));
  Reply reply;
  if (io.ok()) {
    io = connection.read_reply(reply);
  }
  if (!io.ok()) {
    return failed(std::move(io));
  }
  const bool challenged = reply.is_challenge();
  if (challenged) {
    on_challenge();
    std::string client_final;
    if (scram.step(reply.text, client_final) != auth::ScramClientStep::kContinue) {
      return failed(IoResult{IoStatus::kProtocol, "a SCRAM challenge that tsna refuses (" +
                                                      std::string(scram.failure_reason()) + ")"});
    }
    io = connection.send_request(client_final);
    if (io.ok()) {
      io = connection.read_reply(reply);
    }
    if (!io.ok()) {
      return failed(std::move(io));
    }
  }
  // A 200 without a verified server-final (straight after the auth request, or after the
  // answer) is a server that does not hold the verifier.
  if (reply.ok() && (!challenged || !server_proved_itself(scram, reply))) {
    LoginResult r;
    r.outcome = LoginOutcome::kUnprovenServer;
    r.reply = std::move(reply);
    return r;
  }
  return answered(std::move(reply));
}

}  // namespace

LoginResult log_in(Connection& connection, std::string_view user, const Secret& hash,
                   const std::function<void()>& on_challenge) {
  if (connection.dialect() == Dialect::kClassic) {
    return log_in_classic(connection, user, hash, on_challenge);
  }
  return log_in_scram(connection, user, hash, on_challenge);
}

}  // namespace tsna::client
