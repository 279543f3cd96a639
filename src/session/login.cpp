// login.cpp - the session's two login state machines (SPEC 1.1, 1.2, 4.4): the classic login
// (hash compared, 8-byte challenge, 32 raw answer bytes) and the TSNA/2 login (challenge, then
// a nonce and MAC in the very next line), both throttled and both answered with a decoy's shape
// for an unknown user where the dialect allows.
#include "session/login.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "auth/hex.hpp"
#include "commands/messages.hpp"

namespace tsna {
namespace {

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

bool Session::classic_answer_awaited() const {
  return login_ && login_->dialect == Dialect::kClassic;
}

bool Session::tsna2_answer_awaited() const {
  return login_ && login_->dialect == Dialect::kTsna2;
}

bool Session::refuse_if_throttled(std::string_view name) {
  const std::optional<std::chrono::seconds> wait = ctx_.throttle->blocked(address(), name);
  if (!wait) {
    return false;
  }
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, wait->count());
  std::string text(msg::kTooManyFailuresPrefix);
  text.append(digits, end).append(" s");
  respond(Code::kFail, text);
  return true;
}

void Session::begin_tsna2_login(std::string_view name) {
  if (refuse_if_throttled(name)) {
    return;
  }
  auto login = std::make_unique<Login>();
  login->dialect = Dialect::kTsna2;
  login->name.assign(name);
  ctx_.random->fill(login->challenge);
  if (std::optional<std::string> hash = ctx_.users->find(name)) {
    login->key = std::move(*hash);
    login->known = true;
  } else {
    // A decoy: the same reply, the same HMAC and compare, against a key nobody knows.
    std::array<std::uint8_t, 16> decoy{};
    ctx_.random->fill(decoy);
    login->key = auth::to_hex(decoy);
  }
  login->issued = now_;
  std::string text;
  auth::append_hex(text, login->challenge);
  respond(Code::kChallenge, text);
  login_ = std::move(login);
}

void Session::handle_tsna2_answer(std::string_view line) {
  const std::unique_ptr<Login> login = std::move(login_);
  answering_ = {line, true, login->name};
  std::array<std::uint8_t, auth::kTsna2NonceBytes> nonce{};
  auth::Digest mac{};
  const bool shaped = line.size() == 2 * nonce.size() + 1 + 2 * mac.size() &&
                      line[2 * nonce.size()] == ' ' &&
                      auth::from_hex(line.substr(0, 2 * nonce.size()), nonce) &&
                      auth::from_hex(line.substr(2 * nonce.size() + 1), mac);
  std::span<const std::uint8_t> binding;
  if (channel_binding_) {
    binding = *channel_binding_;
  }
  const auth::Digest expected =
      auth::tsna2_mac(login->key, login->challenge, nonce, login->name, binding);
  const bool fresh = now_ - login->issued <= ctx_.limits.effective_challenge_lifetime();
  const bool match = auth::constant_time_equal(expected, mac);
  if (shaped && match && login->known && fresh) {
    log_in(login->name);
    respond(Code::kOk, msg::kLoginOk);
    return;
  }
  ctx_.throttle->record_failure(address(), login->name);
  respond(Code::kFail, msg::kAuthFailed);
}

void Session::begin_classic_login(std::string_view name, std::string_view hash) {
  if (refuse_if_throttled(name)) {
    return;
  }
  std::optional<std::string> stored = ctx_.users->find(name);
  if (!stored) {
    ctx_.throttle->record_failure(address(), name);
    respond(Code::kFail, msg::kNoSuchUser);
    return;
  }
  if (!auth::constant_time_equal(as_bytes(*stored), as_bytes(hash))) {
    ctx_.throttle->record_failure(address(), name);
    respond(Code::kFail, msg::kWrongPassword);
    return;
  }
  auto login = std::make_unique<Login>();
  login->dialect = Dialect::kClassic;
  login->name.assign(name);
  login->key = std::move(*stored);
  login->known = true;
  const std::span<std::uint8_t> challenge =
      std::span(login->challenge).first(auth::kClassicChallengeBytes);
  ctx_.random->fill(challenge);
  login->issued = now_;
  // The seed sends the 8 challenge bytes raw, with no code (SPEC 1.1).
  output_.append(reinterpret_cast<const char*>(challenge.data()), challenge.size());
  audit(0);
  login_ = std::move(login);
}

void Session::take_classic_answer(std::string_view& input) {
  Login& login = *login_;
  const std::size_t n = std::min(login.answer.size() - login.answer_len, input.size());
  std::copy_n(input.data(), n, reinterpret_cast<char*>(login.answer.data()) + login.answer_len);
  login.answer_len += n;
  input.remove_prefix(n);
  if (login.answer_len == login.answer.size()) {
    last_message_ = now_;
    finish_classic_answer();
  }
}

void Session::finish_classic_answer() {
  const std::unique_ptr<Login> login = std::move(login_);
  answering_ = {{}, true, login->name};
  const auth::Digest expected = auth::classic_response(
      login->key, std::span(login->challenge).first(auth::kClassicChallengeBytes));
  const bool fresh = now_ - login->issued <= ctx_.limits.effective_challenge_lifetime();
  if (auth::constant_time_equal(expected, login->answer) && fresh) {
    log_in(login->name);
    respond(Code::kOk, msg::kLoginOk);
    return;
  }
  ctx_.throttle->record_failure(address(), login->name);
  respond(Code::kFail, msg::kAuthFailed);
}

void Session::expire_classic_challenge() {
  if (!classic_answer_awaited() ||
      now_ < login_->issued + ctx_.limits.effective_challenge_lifetime()) {
    return;
  }
  // The 32 answer bytes never came in time: the challenge is spent (SPEC 4.4). No message
  // arrived, so there is no audit record; the challenge's own record names the login.
  ctx_.throttle->record_failure(address(), login_->name);
  login_.reset();
  append_reply(output_, dialect_, Code::kFail, msg::kAuthFailed);
}

}  // namespace tsna
