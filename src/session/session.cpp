// session.cpp - the per-connection state machine: framing, the hello upgrade, both logins,
// store effects, deadlines and the audit record of every message (SPEC 1, 2, 4).
#include "session/session.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "auth/hex.hpp"
#include "auth/ntlm.hpp"
#include "commands/command.hpp"
#include "commands/messages.hpp"
#include "protocol/handshake.hpp"

namespace tsna {

struct Session::Login {
  Dialect dialect = Dialect::kTsna2;
  std::string name;
  std::string key;     // the stored hash, or a random decoy key for an unknown user
  bool known = false;  // the user exists and (classic) the hash matched
  std::array<std::uint8_t, auth::kTsna2ChallengeBytes> challenge{};
  SteadyTime issued{};
  std::array<std::uint8_t, 32> answer{};  // classic: the raw answer collected so far
  std::size_t answer_len = 0;
};

struct Session::Stored {
  StoreRequest request;
  std::string line;  // the request as received, for its audit record
};

namespace {

constexpr std::string_view kHello = "hello";
// Held-input capacity kept after a resume; more is released (STYLE 6.1: idle connections small).
constexpr std::size_t kKeepPendingCapacity = 256;

std::string_view first_word(std::string_view line) {
  const std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    return {};
  }
  const std::size_t end = line.find_first_of(" \t", start);
  return line.substr(start, end == std::string_view::npos ? end : end - start);
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == line.npos;
}

}  // namespace

Session::Session(const SessionContext& ctx, std::string_view peer)
    : ctx_(ctx),
      peer_(peer),
      address_len_(std::min(peer.rfind(':'), peer.size())),
      lines_(ctx.limits.max_line_bytes),
      classic_(ctx.limits.max_line_bytes),
      last_message_(ctx.clock->now()),
      now_(last_message_),
      wall_now_(ctx.clock->wall_now()) {}

Session::~Session() = default;

void Session::start() {
  output_.append(kGreeting);
}

void Session::set_channel_binding(const std::array<std::uint8_t, 32>& binding) {
  channel_binding_ = std::make_unique<std::array<std::uint8_t, 32>>(binding);
}

const StoreRequest& Session::store_request() const {
  return stored_->request;
}

void Session::stamp() {
  now_ = ctx_.clock->now();
  wall_now_ = ctx_.clock->wall_now();
}

void Session::on_read(std::string_view bytes, bool read_was_full) {
  const AuditBatch batch(*ctx_.audit);
  stamp();
  process(bytes, read_was_full);
}

void Session::on_flushed() {
  const AuditBatch batch(*ctx_.audit);
  if (want_ == Want::kFlush) {
    stamp();
    want_ = Want::kRead;
    resume();
  }
}

void Session::pause(Want want, std::string_view input, bool read_was_full) {
  want_ = want;
  pending_.assign(input);
  pending_full_ = read_was_full;
}

void Session::resume() {
  // The held input moves to a per-thread buffer: process() may pause again and copy what is
  // left back into pending_. A session only holds input while paused, so an idle one keeps none.
  thread_local std::string input;
  input.assign(pending_);
  if (pending_.capacity() > kKeepPendingCapacity) {
    std::string().swap(pending_);
  } else {
    pending_.clear();
  }
  process(input, pending_full_);
}

void Session::process(std::string_view input, bool read_was_full) {
  for (;;) {
    if (want_ != Want::kRead) {
      pause(want_, input, read_was_full);
      return;
    }
    if (input.empty()) {
      return;
    }
    // Stop reading a peer that does not read its replies (SPEC 4.4); classic sends each reply
    // in a write of its own (SPEC 1.1).
    if (output_.size() >= ctx_.limits.max_output_bytes ||
        (dialect_ == Dialect::kClassic && !output_.empty())) {
      pause(Want::kFlush, input, read_was_full);
      return;
    }
    if (login_ && login_->dialect == Dialect::kClassic) {
      take_classic_answer(input);
      continue;
    }
    std::string_view message;
    const FrameResult r = dialect_ == Dialect::kTsna2
                              ? lines_.next(input, message)
                              : classic_.next(input, read_was_full, message);
    if (r == FrameResult::kNeedMore) {
      continue;
    }
    if (r == FrameResult::kTooLong) {
      // A classic message ends with its read, so it is complete; a TSNA/2 line is not until
      // its '\n' arrives: a peer dribbling an endless line still meets the idle timeout.
      if (dialect_ == Dialect::kClassic) {
        last_message_ = now_;
      }
      first_message_ = false;
      reply(Code::kFail, msg::kTooLong);
      if (login_ && login_->dialect == Dialect::kTsna2) {
        // It was "the very next line" after a challenge: an answer of another shape, so the
        // challenge is spent and the failure counts (SPEC 1.2), as for any other bad answer.
        ctx_.throttle->record_failure(address(), login_->name);
        login_.reset();
        audit("", true, 400);
        continue;
      }
      audit("", false, 400);
      continue;
    }
    last_message_ = now_;
    handle_message(message);
  }
}

void Session::handle_message(std::string_view message) {
  if (first_message_) {
    first_message_ = false;
    if (message == kHelloTsna2) {
      dialect_ = Dialect::kTsna2;
      audit_identity_ = 0;
      reply(Code::kOk, kTsna2Accepted);
      audit(message, false, 200);
      return;
    }
    if (first_word(message) == kHello) {
      reply(Code::kFail, msg::kUnsupportedVersion);
      output_.push_back('\n');
      audit(message, false, 400);
      return;
    }
  }
  if (dialect_ == Dialect::kTsna2) {
    if (login_) {
      handle_tsna2_answer(message);
      return;
    }
    if (is_blank(message)) {
      return;  // blank lines are ignored (SPEC 1.2)
    }
  }
  handle_command(message);
}

void Session::handle_command(std::string_view line) {
  CommandContext c;
  c.dialect = dialect_;
  c.allow_classic_login = ctx_.allow_classic_login;
  if (user_) {
    c.user = *user_;
  }
  thread_local std::string scratch;
  const Outcome o = dispatch(line, c, scratch);
  switch (o.action) {
    case Action::kReply:
      reply(o.ok ? Code::kOk : Code::kFail, o.text);
      audit(line, false, o.ok ? 200 : 400);
      return;
    case Action::kExit:
      reply(Code::kOk, o.text);
      audit(line, false, 200);
      want_ = Want::kClose;
      return;
    case Action::kLogout:
      reply(Code::kOk, o.text);
      audit(line, false, 200);
      user_.reset();
      audit_identity_ = 0;
      return;
    case Action::kRegister:
      // Fast refusal from memory; the store settles races between connections.
      if (ctx_.users->find(o.name)) {
        reply(Code::kFail, msg::kUserExists);
        audit(line, false, 400);
        return;
      }
      begin_store(StoreRequest::Kind::kAdd, o.name, o.hash, line);
      return;
    case Action::kChangePassword: {
      const std::optional<std::string> current = ctx_.users->find(*user_);
      if (current && *current == o.hash) {
        reply(Code::kFail, msg::kSamePassword);
        audit(line, false, 400);
        return;
      }
      begin_store(StoreRequest::Kind::kChange, *user_, o.hash, line);
      return;
    }
    case Action::kLoginClassic:
      begin_classic_login(o.name, o.hash, line);
      return;
    case Action::kLoginTsna2:
      if (!refuse_if_throttled(o.name, line)) {
        begin_tsna2_login(o.name);
        audit(line, false, 300);
      }
      return;
  }
}

void Session::begin_store(StoreRequest::Kind kind, std::string_view name, std::string_view hash,
                          std::string_view line) {
  stored_ = std::make_unique<Stored>();
  stored_->request = StoreRequest{kind, std::string(name), std::string(hash)};
  stored_->line.assign(line);
  want_ = Want::kStore;
}

void Session::on_store_done(StoreOutcome outcome) {
  if (want_ != Want::kStore || !stored_) {
    return;
  }
  stamp();
  const AuditBatch batch(*ctx_.audit);
  const std::unique_ptr<Stored> s = std::move(stored_);
  const bool add = s->request.kind == StoreRequest::Kind::kAdd;
  switch (outcome) {
    case StoreOutcome::kDone:
      if (add) {
        std::string text(msg::kRegisteredPrefix);
        text.append(s->request.name);
        reply(Code::kOk, text);
      } else {
        reply(Code::kOk, msg::kPasswordChanged);
      }
      break;
    case StoreOutcome::kConflict:
      reply(Code::kFail, add ? msg::kUserExists : msg::kNoSuchUser);
      break;
    case StoreOutcome::kFailed:
      reply(Code::kFail, msg::kStoreFailed);
      break;
  }
  audit(s->line, false, outcome == StoreOutcome::kDone ? 200 : 400);
  want_ = Want::kRead;
  resume();
}

bool Session::refuse_if_throttled(std::string_view name, std::string_view line) {
  const std::optional<std::chrono::seconds> wait = ctx_.throttle->blocked(address(), name);
  if (!wait) {
    return false;
  }
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, wait->count());
  std::string text(msg::kTooManyFailuresPrefix);
  text.append(digits, end).append(" s");
  reply(Code::kFail, text);
  audit(line, false, 400);
  return true;
}

void Session::begin_tsna2_login(std::string_view name) {
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
  reply(Code::kChallenge, text);
  login_ = std::move(login);
}

void Session::handle_tsna2_answer(std::string_view line) {
  const std::unique_ptr<Login> login = std::move(login_);
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
    ctx_.throttle->record_success(address(), login->name);
    user_ = login->name;
    audit_identity_ = 0;
    reply(Code::kOk, msg::kLoginOk);
    audit(line, true, 200);
    return;
  }
  ctx_.throttle->record_failure(address(), login->name);
  reply(Code::kFail, msg::kAuthFailed);
  audit(line, true, 400);
}

void Session::begin_classic_login(std::string_view name, std::string_view hash,
                                  std::string_view line) {
  if (refuse_if_throttled(name, line)) {
    return;
  }
  std::optional<std::string> stored = ctx_.users->find(name);
  if (!stored) {
    ctx_.throttle->record_failure(address(), name);
    reply(Code::kFail, msg::kNoSuchUser);
    audit(line, false, 400);
    return;
  }
  const auto as_bytes = [](std::string_view s) {
    return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  if (!auth::constant_time_equal(as_bytes(*stored), as_bytes(hash))) {
    ctx_.throttle->record_failure(address(), name);
    reply(Code::kFail, msg::kWrongPassword);
    audit(line, false, 400);
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
  audit(line, false, 0);
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
  const auth::Digest expected = auth::classic_response(
      login->key, std::span(login->challenge).first(auth::kClassicChallengeBytes));
  const bool fresh = now_ - login->issued <= ctx_.limits.effective_challenge_lifetime();
  if (auth::constant_time_equal(expected, login->answer) && fresh) {
    ctx_.throttle->record_success(address(), login->name);
    user_ = login->name;
    audit_identity_ = 0;
    reply(Code::kOk, msg::kLoginOk);
    audit("", true, 200);
    return;
  }
  ctx_.throttle->record_failure(address(), login->name);
  reply(Code::kFail, msg::kAuthFailed);
  audit("", true, 400);
}

SteadyTime Session::deadline() const {
  SteadyTime d = last_message_ + ctx_.limits.idle_timeout;
  if (login_ && login_->dialect == Dialect::kClassic) {
    d = std::min(d, login_->issued + ctx_.limits.effective_challenge_lifetime());
  }
  return d;
}

void Session::on_deadline(SteadyTime now) {
  const AuditBatch batch(*ctx_.audit);
  now_ = now;
  wall_now_ = ctx_.clock->wall_now();
  if (login_ && login_->dialect == Dialect::kClassic &&
      now >= login_->issued + ctx_.limits.effective_challenge_lifetime()) {
    // The 32 answer bytes never came in time: the challenge is spent (SPEC 4.4).
    ctx_.throttle->record_failure(address(), login_->name);
    login_.reset();
    reply(Code::kFail, msg::kAuthFailed);
  }
  if (now >= last_message_ + ctx_.limits.idle_timeout) {
    want_ = Want::kClose;
  }
}

void Session::reply(Code code, std::string_view text) {
  append_reply(output_, dialect_, code, text);
}

void Session::audit(std::string_view cmd, bool is_answer, int code) {
  AuditEvent e;
  e.ts = wall_now_;
  e.peer = peer_;
  if (user_) {
    e.user = *user_;
  }
  e.dialect = dialect_;
  e.cmd = cmd;
  e.is_answer = is_answer;
  e.code = code;
  if (audit_identity_ == 0) {
    audit_identity_ = next_audit_identity();  // new after each change of user or dialect
  }
  e.identity = audit_identity_;
  ctx_.audit->record(e);
}

}  // namespace tsna
