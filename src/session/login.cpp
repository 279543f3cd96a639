// login.cpp - the session's two login state machines (SPEC 1.1, 1.2, 4.4): the classic login
// (the hash checked against the verifier off the loop, then the 8-byte challenge and 32 raw
// answer bytes keyed with that hash, as the seed does) and the TSNA/2 SCRAM-SHA-256 login
// (verifier looked up first, then GNU SASL stepped through client-first and client-final, a decoy
// for an unknown name). Both throttled; every failure counts.
#include "session/login.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "commands/messages.hpp"

namespace tsna {
namespace {

// What an `auth` line is audited as: its mechanism and the user name decoded from client-first,
// never the SCRAM message itself (SPEC 4.3).
std::string auth_audit_text(std::string_view mechanism, std::string_view name) {
  std::string text("auth ");
  text.append(mechanism).push_back(' ');
  text.append(name.empty() ? std::string_view("***") : name);
  return text;
}

}  // namespace

bool Session::classic_answer_awaited() const {
  return login_ && login_->dialect == Dialect::kClassic && login_->answer_awaited;
}

bool Session::tsna2_answer_awaited() const {
  return login_ && login_->scram != nullptr;
}

void Session::respond_throttled(std::chrono::seconds wait) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, wait.count());
  std::string text(msg::kTooManyFailuresPrefix);
  text.append(digits, end).append(" s");
  respond(Code::kFail, text);
}

void Session::finish_login(bool success, std::string_view name, std::string_view text, bool counted,
                           bool silent) {
  if (success && !counted) {
    send_verdict(true, name, text, silent);
    return;
  }
  begin_store(success ? StoreRequest::Kind::kRecordSuccess : StoreRequest::Kind::kRecordFailure,
              name);
  stored_->verdict.assign(text);
  stored_->silent = silent;
}

void Session::begin_scram_login(std::string_view mechanism, std::string_view client_first) {
  // Under TLS only the channel-bound mechanism is accepted, in plain TCP only the other: no
  // downgrade, and no binding asked for where there is no channel (SPEC 1.2).
  const auth::ScramMechanism expected =
      channel_binding_ ? auth::ScramMechanism::kSha256Plus : auth::ScramMechanism::kSha256;
  const std::optional<std::string> name = auth::client_first_user(client_first);
  audit_text_ = auth_audit_text(mechanism, name.value_or(std::string()));
  answering_ = {audit_text_, false, {}, true};
  if (!name || auth::mechanism_from_name(mechanism) != expected) {
    finish_login(false, name.value_or(std::string()), msg::kAuthFailed);
    return;
  }
  auto login = std::make_unique<Login>();
  login->dialect = Dialect::kTsna2;
  login->name = *name;
  login->mechanism = expected;
  login->client_first.assign(client_first);
  login_ = std::move(login);
  // The throttle answers first, then the verifier (or nothing: a decoy) comes back.
  begin_store(StoreRequest::Kind::kFind, *name);
}

void Session::start_scram(std::string_view name, const StoreResult& found) {
  Login& login = *login_;
  login.known = found.outcome == StoreOutcome::kDone && found.verifier.has_value();
  login.counted = found.counted;
  const auth::ScramVerifier verifier =
      login.known ? *found.verifier
                  : auth::decoy_verifier(ctx_.decoy_secret, name, ctx_.scram_iterations);
  std::span<const std::uint8_t> binding;
  if (channel_binding_) {
    binding = *channel_binding_;
  }
  login.scram = std::make_unique<auth::ScramServer>(login.mechanism, verifier, binding);
  std::string server_first;
  const auth::ScramStep step = login.scram->step(login.client_first, server_first);
  std::string().swap(login.client_first);
  if (step != auth::ScramStep::kContinue) {
    const std::unique_ptr<Login> spent = std::move(login_);
    finish_login(false, spent->name, msg::kAuthFailed);
    return;
  }
  login.issued = now_;
  respond(Code::kChallenge, server_first);
}

void Session::handle_scram_final(std::string_view line) {
  const std::unique_ptr<Login> login = std::move(login_);
  answering_ = {line, true, login->name};
  std::string server_final;
  const auth::ScramStep step = login->scram->step(line, server_final);
  const bool fresh = now_ - login->issued <= ctx_.limits.effective_challenge_lifetime();
  if (step == auth::ScramStep::kDone && login->known && fresh &&
      login->scram->user() == login->name) {
    // Two lines: the server's proof that it holds the verifier, then the seed's text.
    server_final.push_back('\n');
    server_final.append(msg::kLoginOk);
    finish_login(true, login->name, server_final, login->counted);
    return;
  }
  finish_login(false, login->name, msg::kAuthFailed);
}

void Session::begin_classic_login(std::string_view name, std::string_view hash) {
  auto login = std::make_unique<Login>();
  login->dialect = Dialect::kClassic;
  login->name.assign(name);
  login->hash.assign(hash);
  login_ = std::move(login);
  // The throttle answers first; then the hash is checked against the verifier by a derivation,
  // which never runs on the loop. The challenge goes out only once it matched.
  begin_store(StoreRequest::Kind::kCheckPassword, name, hash);
}

void Session::answer_classic_check(const StoreRequest& request, const StoreResult& result) {
  std::unique_ptr<Login> login = std::move(login_);
  if (result.outcome != StoreOutcome::kDone) {
    finish_login(
        false, request.name,
        result.outcome == StoreOutcome::kNoSuchUser ? msg::kNoSuchUser : msg::kWrongPassword);
    return;
  }
  login->answer_awaited = true;
  login->counted = result.counted;
  ctx_.random->fill(login->challenge);
  login->issued = now_;
  // The seed sends the 8 challenge bytes raw, with no code (SPEC 1.1).
  output_.append(reinterpret_cast<const char*>(login->challenge.data()), login->challenge.size());
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
  const auth::Digest expected = auth::classic_response(login->hash, login->challenge);
  const bool fresh = now_ - login->issued <= ctx_.limits.effective_challenge_lifetime();
  const bool ok = auth::constant_time_equal(expected, login->answer) && fresh;
  finish_login(ok, login->name, ok ? msg::kLoginOk : msg::kAuthFailed, login->counted);
}

void Session::expire_classic_challenge() {
  if (!classic_answer_awaited() ||
      now_ < login_->issued + ctx_.limits.effective_challenge_lifetime()) {
    return;
  }
  // The 32 answer bytes never came in time: the challenge is spent (SPEC 4.4). No message
  // arrived, so there is no audit record; the challenge's own record names the login.
  const std::unique_ptr<Login> login = std::move(login_);
  answering_ = {};
  finish_login(false, login->name, msg::kAuthFailed, /*counted=*/true, /*silent=*/true);
}

}  // namespace tsna
