// login.cpp - both challenge-response logins over a Connection, with auth/ntlm.hpp's MACs.
#include "client/login.hpp"

#include <openssl/crypto.h>

#include <array>
#include <cstdint>

#include "auth/hex.hpp"
#include "auth/ntlm.hpp"
#include "client/command_plan.hpp"

namespace tsna::client {
namespace {

IoResult log_in_classic(Connection& connection, std::string_view user, const Secret& hash,
                        const std::function<void()>& on_challenge, Reply& reply) {
  std::string request = classic_login_request(user, hash);
  IoResult r = connection.send_request(request);
  wipe(request);
  if (!r.ok()) {
    return r;
  }
  std::array<std::uint8_t, auth::kClassicChallengeBytes> challenge{};
  bool is_challenge = false;
  r = connection.read_classic_challenge(challenge, is_challenge, reply);
  if (!r.ok() || !is_challenge) {
    return r;
  }
  on_challenge();
  auth::Digest answer = auth::classic_response(hash.view(), challenge);
  r = connection.send_raw(answer);
  OPENSSL_cleanse(answer.data(), answer.size());
  if (!r.ok()) {
    return r;
  }
  return connection.read_reply(reply);
}

IoResult log_in_tsna2(Connection& connection, std::string_view user, const Secret& hash,
                      RandomSource& random, const std::function<void()>& on_challenge,
                      Reply& reply) {
  IoResult r = connection.send_request("login " + std::string(user));
  if (!r.ok()) {
    return r;
  }
  r = connection.read_reply(reply);
  if (!r.ok() || !reply.is_challenge()) {
    return r;
  }
  std::array<std::uint8_t, auth::kTsna2ChallengeBytes> challenge{};
  if (!auth::from_hex(reply.text, challenge)) {
    return IoResult{IoStatus::kProtocol, "a challenge that is not 32 lowercase hex digits"};
  }
  on_challenge();
  std::array<std::uint8_t, auth::kTsna2NonceBytes> nonce{};
  random.fill(nonce);
  const std::optional<std::array<std::uint8_t, 32>> binding = connection.channel_binding();
  std::span<const std::uint8_t> binding_bytes;
  if (binding) {
    binding_bytes = *binding;
  }
  const auth::Digest mac = auth::tsna2_mac(hash.view(), challenge, nonce, user, binding_bytes);
  r = connection.send_request(auth::to_hex(nonce) + " " + auth::to_hex(mac));
  if (!r.ok()) {
    return r;
  }
  return connection.read_reply(reply);
}

}  // namespace

IoResult log_in(Connection& connection, std::string_view user, const Secret& hash,
                RandomSource& random, const std::function<void()>& on_challenge, Reply& reply) {
  if (connection.dialect() == Dialect::kClassic) {
    return log_in_classic(connection, user, hash, on_challenge, reply);
  }
  return log_in_tsna2(connection, user, hash, random, on_challenge, reply);
}

}  // namespace tsna::client
