// session.cpp - the per-connection state machine's input pump and commands: framing, the hello
// upgrade, dispatch, store effects, deadlines and the audit record of every message (SPEC 1, 2,
// 4). The two logins are in login.cpp.
#include "session/session.hpp"

#include <algorithm>

#include "auth/saslprep.hpp"
#include "commands/command.hpp"
#include "commands/messages.hpp"
#include "common/words.hpp"
#include "protocol/handshake.hpp"
#include "session/command_label.hpp"
#include "session/login.hpp"

namespace tsna {

namespace {

constexpr std::string_view kHello = "hello";
// Buffers grown past these by one burst (held input, replies) are released once used, so an
// idle connection keeps only small ones (STYLE 6.1).
constexpr std::size_t kKeepPendingCapacity = 256;
constexpr std::size_t kKeepOutputCapacity = 4096;

// Empties `s`, giving its memory back if it holds more than `keep` bytes of capacity.
void clear_keeping(std::string& s, std::size_t keep) {
  if (s.capacity() > keep) {
    std::string().swap(s);
  } else {
    s.clear();
  }
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
      wall_now_(ctx.clock->wall_now()),
      metrics_(ctx.metrics != nullptr ? &ctx.metrics->local() : nullptr) {}

Session::~Session() = default;

void Session::set_peer(std::string_view peer) {
  peer_ = peer;
  address_len_ = std::min(peer.rfind(':'), peer.size());
}

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

void Session::on_output_sent() {
  clear_keeping(output_, kKeepOutputCapacity);
  if (want_ == Want::kFlush) {
    const AuditBatch batch(*ctx_.audit);
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
  clear_keeping(pending_, kKeepPendingCapacity);
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
    if (classic_answer_awaited()) {
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
      if (tsna2_answer_awaited()) {
        // It was "the very next line" after a challenge: an answer of another shape, so the
        // challenge is spent and the failure counts (SPEC 1.2), as for any other bad answer.
        const std::unique_ptr<Login> login = std::move(login_);
        answering_ = {{}, true, login->name};
        finish_login(false, login->name, msg::kTooLong);
        continue;
      }
      answering_ = {};
      respond(Code::kFail, msg::kTooLong);
      continue;
    }
    last_message_ = now_;
    handle_message(message);
  }
}

void Session::handle_message(std::string_view message) {
  answering_ = {message, false, {}};
  if (first_message_) {
    first_message_ = false;
    if (message == kHelloTsna2) {
      dialect_ = Dialect::kTsna2;
      audit_identity_ = 0;
      respond(Code::kOk, kTsna2Accepted);
      return;
    }
    if (first_word(message) == kHello) {
      // Still classic, so the reply has no terminator of its own: the line end lets a TSNA/2
      // client read the refusal as a line (SPEC 1.2).
      respond(Code::kFail, msg::kUnsupportedVersion);
      output_.push_back('\n');
      return;
    }
  }
  if (dialect_ == Dialect::kTsna2) {
    if (tsna2_answer_awaited()) {
      handle_scram_final(message);
      return;
    }
    if (trim_blanks(message).empty()) {
      return;  // blank lines are ignored (SPEC 1.2)
    }
  }
  handle_command(message);
}

void Session::handle_command(std::string_view line) {
  CommandContext c;
  c.dialect = dialect_;
  c.allow_classic_login = ctx_.allow_classic_login;
  c.registrable_name = &auth::is_saslprep_stable;
  if (user_) {
    c.user = *user_;
  }
  thread_local std::string scratch;
  const Outcome o = dispatch(line, c, scratch);
  switch (o.action) {
    case Action::kReply:
      respond(o.ok ? Code::kOk : Code::kFail, o.text);
      return;
    case Action::kExit:
      respond(Code::kOk, o.text);
      want_ = Want::kClose;
      return;
    case Action::kLogout:
      respond(Code::kOk, o.text);
      user_.reset();
      audit_identity_ = 0;
      return;
    case Action::kRegister:
      begin_store(StoreRequest::Kind::kAdd, o.name, o.hash);
      return;
    case Action::kChangePassword:
      begin_store(StoreRequest::Kind::kChange, *user_, o.hash);
      return;
    case Action::kLoginClassic:
      begin_classic_login(o.name, o.hash);
      return;
    case Action::kAuth:
      begin_scram_login(o.name, o.hash);
      return;
  }
}

void Session::begin_store(StoreRequest::Kind kind, std::string_view name, std::string_view hash) {
  stored_ = std::make_unique<Stored>();
  stored_->request =
      StoreRequest{kind, std::string(name), std::string(hash), std::string(address())};
  stored_->cmd.assign(answering_.cmd);
  stored_->is_answer = answering_.is_answer;
  stored_->login.assign(answering_.login);
  stored_->prepared = answering_.prepared;
  want_ = Want::kStore;
}

void Session::on_store_done(StoreResult result) {
  if (want_ != Want::kStore || !stored_) {
    return;
  }
  stamp();
  const AuditBatch batch(*ctx_.audit);
  const std::unique_ptr<Stored> s = std::move(stored_);
  answering_ = {s->cmd, s->is_answer, s->login, s->prepared};
  want_ = Want::kRead;
  if (s->request.kind == StoreRequest::Kind::kRecordFailure ||
      s->request.kind == StoreRequest::Kind::kRecordSuccess) {
    // The verdict stands whatever became of its count (a count the store could not take is
    // lost; the login's outcome is not).
    send_verdict(s->request.kind == StoreRequest::Kind::kRecordSuccess, s->request.name, s->verdict,
                 s->silent);
  } else {
    finish_store_command(s->request, std::move(result));
  }
  resume();
}

void Session::send_verdict(bool success, std::string_view name, std::string_view text,
                           bool silent) {
  count_login(success ? metrics::LoginOutcome::kOk : metrics::LoginOutcome::kFailed);
  if (success) {
    user_.emplace(name);
    audit_identity_ = 0;
  }
  const Code code = success ? Code::kOk : Code::kFail;
  if (silent) {
    append_reply(output_, dialect_, code, text);
  } else {
    respond(code, text);
  }
}

void Session::finish_store_command(const StoreRequest& request, StoreResult result) {
  const bool login_lookup = request.kind == StoreRequest::Kind::kFind ||
                            request.kind == StoreRequest::Kind::kCheckPassword;
  switch (result.outcome) {
    case StoreOutcome::kFailed:
    case StoreOutcome::kUnavailable:
      if (login_lookup) {
        count_login(metrics::LoginOutcome::kUnavailable);
      }
      respond(Code::kFail, result.outcome == StoreOutcome::kFailed ? msg::kStoreFailed
                                                                   : msg::kServiceUnavailable);
      login_.reset();
      return;
    case StoreOutcome::kThrottled:
      count_login(metrics::LoginOutcome::kThrottled);
      login_.reset();
      respond_throttled(result.wait);
      return;
    default:
      break;
  }
  switch (request.kind) {
    case StoreRequest::Kind::kFind:
      start_scram(request.name, result);
      return;
    case StoreRequest::Kind::kCheckPassword:
      answer_classic_check(request, result);
      return;
    case StoreRequest::Kind::kAdd:
      if (result.outcome == StoreOutcome::kDone) {
        std::string text(msg::kRegisteredPrefix);
        text.append(request.name);
        respond(Code::kOk, text);
      } else {
        respond(Code::kFail, msg::kUserExists);
      }
      return;
    case StoreRequest::Kind::kChange:
      switch (result.outcome) {
        case StoreOutcome::kDone:
          respond(Code::kOk, msg::kPasswordChanged);
          return;
        case StoreOutcome::kSamePassword:
          respond(Code::kFail, msg::kSamePassword);
          return;
        default:
          respond(Code::kFail, msg::kNoSuchUser);
          return;
      }
    case StoreRequest::Kind::kRecordFailure:
    case StoreRequest::Kind::kRecordSuccess:
      return;  // handled by on_store_done
  }
}

SteadyTime Session::deadline() const {
  SteadyTime d = last_message_ + ctx_.limits.idle_timeout;
  if (classic_answer_awaited()) {
    d = std::min(d, login_->issued + ctx_.limits.effective_challenge_lifetime());
  }
  return d;
}

void Session::on_deadline(SteadyTime now) {
  const AuditBatch batch(*ctx_.audit);
  now_ = now;
  wall_now_ = ctx_.clock->wall_now();
  expire_classic_challenge();
  // An expired challenge's failure is recorded first (kStore); the next deadline closes.
  if (want_ == Want::kRead && now >= last_message_ + ctx_.limits.idle_timeout) {
    want_ = Want::kClose;
  }
}

void Session::respond(Code code, std::string_view text) {
  append_reply(output_, dialect_, code, text);
  audit(static_cast<int>(code));
}

void Session::count_login(metrics::LoginOutcome outcome) {
  if (metrics_ != nullptr) {
    metrics_->count_login(dialect_, outcome);
  }
}

void Session::audit(int code) {
  if (metrics_ != nullptr) {
    metrics_->count_command(command_label(answering_.cmd, answering_.is_answer), code);
  }
  AuditEvent e;
  e.ts = wall_now_;
  e.peer = peer_;
  if (user_) {
    e.user = *user_;
  }
  e.dialect = dialect_;
  e.cmd = answering_.cmd;
  e.is_answer = answering_.is_answer;
  e.prepared = answering_.prepared;
  if (answering_.is_answer) {
    e.login = answering_.login;
  }
  e.code = code;
  if (audit_identity_ == 0) {
    audit_identity_ = next_audit_identity();  // new after each change of user or dialect
  }
  e.identity = audit_identity_;
  ctx_.audit->record(e);
}

}  // namespace tsna
