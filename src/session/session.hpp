// session.hpp - one connection's protocol state machine (SPEC 1, 2, 4.4), sans I/O: bytes in,
// bytes out, and a request for what the I/O layer must do next. Knows nothing of sockets or
// asio, so every exchange of the spec is testable without a network.
//
// Not thread safe: one Session is driven by one event loop at a time. Must not block: whatever
// needs the store or a password derivation is handed out as a StoreRequest (carried out by
// carry_out(), store_work.hpp, off the loop) and its result fed back with on_store_done().
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "audit/audit_sink.hpp"
#include "auth/scram_verifier.hpp"
#include "common/clock.hpp"
#include "common/dialect.hpp"
#include "common/limits.hpp"
#include "common/random_source.hpp"
#include "metrics/registry.hpp"
#include "protocol/framing.hpp"
#include "protocol/reply.hpp"
#include "store/user_store.hpp"

namespace tsna {

// What a server shares with all its sessions. Outlives them.
struct SessionContext {
  Limits limits;
  bool allow_classic_login = false;
  // Iterations of the decoy verifiers shown for unknown names: the count new verifiers get
  // (--scram-iterations), so a decoy looks like a real user.
  std::uint32_t scram_iterations = auth::kDefaultScramIterations;
  DecoySecret decoy_secret{};  // the store's (UserStore::decoy_secret)
  RandomSource* random = nullptr;
  AuditSink* audit = nullptr;
  const Clock* clock = nullptr;
  // Counts replies and logins when set; each session counts into the shard of the thread that
  // made it (the event loop that drives it).
  metrics::Registry* metrics = nullptr;
};

// What the I/O layer must do next. After writing output() fully it calls on_output_sent().
enum class Want {
  kRead,   // write output() if any, then feed the next read to on_read()
  kStore,  // have store_request() carried out off the loop, then call on_store_done()
  kFlush,  // write output() fully (the peer must read before more input is processed)
  kClose,  // write output() fully, then close the connection
};

// Everything a session needs from the store, the throttle (which a cluster keeps in its shared
// store, SPEC 4.4) or a password derivation is one of these, carried out off the session.
struct StoreRequest {
  enum class Kind {
    kFind,           // TSNA/2 login: unless throttled, the user's verifier, before SCRAM starts
    kCheckPassword,  // classic login: unless throttled, does `hash` derive the verifier? (PBKDF2)
    kAdd,            // register: a verifier for `hash` with a fresh salt (PBKDF2), added
    kChange,         // changepwd: refused if `hash` is the current password, else replaced
    kRecordFailure,  // a failed login for `name` from `address`
    kRecordSuccess,  // a successful login whose check found counts: they are forgotten
  };
  Kind kind = Kind::kFind;
  std::string name;
  std::string hash;     // kCheckPassword, kAdd, kChange
  std::string address;  // the peer's address: kFind, kCheckPassword, kRecord*
};

enum class StoreOutcome {
  kDone,           // found / matches / added / changed durably
  kNoSuchUser,     // kFind, kCheckPassword, kChange: the name is not registered
  kNameTaken,      // kAdd: the name is registered; nothing changed
  kWrongPassword,  // kCheckPassword: `hash` is not the user's password
  kSamePassword,   // kChange: `hash` is the current password; nothing changed
  kFailed,         // the store failed (disk full, I/O error); nothing changed
  kUnavailable,    // not attempted: the work queue is full or the store cannot be reached
  kThrottled,      // kFind, kCheckPassword: the address or the name is locked for `wait`
};

struct StoreResult {
  StoreOutcome outcome = StoreOutcome::kFailed;
  std::optional<auth::ScramVerifier> verifier;  // kFind with kDone
  std::chrono::seconds wait{0};                 // kThrottled
  // kFind, kCheckPassword: the throttle holds failures of the name or the address, so a success
  // must clear them (auth::ThrottleCheck::counted).
  bool counted = false;
};

class Session {
 public:
  // `peer` is "ip:port" or "[ipv6]:port": the audit log shows it, and login throttling
  // counts failures per its address part.
  Session(const SessionContext& ctx, std::string_view peer);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Replaces the peer given to the constructor: the client a PROXY header names, read before
  // the session starts (SPEC 4.8). Call before start().
  void set_peer(std::string_view peer);

  // Queues the greeting "success" (SPEC 1). Call once, first.
  void start();

  // Processes the bytes of one read. `read_was_full` says the read filled its buffer (more is
  // surely waiting): classic framing needs it (SPEC 1.1). Only valid while want() == kRead.
  void on_read(std::string_view bytes, bool read_was_full);

  // Resumes after a kStore.
  void on_store_done(StoreResult result);
  // The I/O layer wrote all of output(): it is emptied (a buffer grown by a burst is released,
  // so an idle connection keeps a small one), and after a kFlush the held input is processed.
  void on_output_sent();

  // Applies the idle timeout and the classic challenge's time limit (SPEC 4.4). Call when
  // now >= deadline(); afterwards want() may be kClose, or output() may hold a reply.
  void on_deadline(SteadyTime now);
  SteadyTime deadline() const;

  // Under TLS: the RFC 9266 exporter value that TSNA/2 login MACs must include (SPEC 1.2).
  void set_channel_binding(const std::array<std::uint8_t, 32>& binding);

  Want want() const { return want_; }
  const std::string& peer() const { return peer_; }
  std::string& output() { return output_; }
  const StoreRequest& store_request() const;
  Dialect dialect() const { return dialect_; }
  const std::optional<std::string>& user() const { return user_; }

 private:
  struct Login;   // a challenge in flight (session/login.hpp)
  struct Stored;  // a store write in flight

  // The message being answered, for the audit record that respond() writes with its reply.
  struct Answering {
    std::string_view cmd;
    bool is_answer = false;  // the answer to a challenge: audited as "***"
    std::string_view login;  // is_answer: the name the login was for
    bool prepared = false;   // cmd was assembled by the session (AuditEvent::prepared)
  };

  std::string_view address() const { return std::string_view(peer_).substr(0, address_len_); }
  // Reads the clocks once per event (a read, a store result...): every message of one read
  // shares the time it arrived, and the hot path makes no clock call per message.
  void stamp();
  void process(std::string_view input, bool read_was_full);
  void resume();
  void pause(Want want, std::string_view input, bool read_was_full);
  void handle_message(std::string_view message);
  void handle_command(std::string_view line);
  // Hands `kind` out to the store, to be answered with answering_ when its result comes back.
  void begin_store(StoreRequest::Kind kind, std::string_view name, std::string_view hash = {});
  void finish_store_command(const StoreRequest& request, StoreResult result);

  // The two login state machines (session/login.cpp).
  void respond_throttled(std::chrono::seconds wait);
  // The verdict of a login: a failure is counted, and a success clears the counts when its
  // throttle check found some (`counted`), before the reply `text` is sent; a success with
  // nothing to clear is answered at once (SPEC 4.4).
  void finish_login(bool success, std::string_view name, std::string_view text, bool counted = true,
                    bool silent = false);
  // The reply to a recorded verdict; a success logs the connection in as `name`. A silent one
  // (an expired challenge) has no message, so no audit record.
  void send_verdict(bool success, std::string_view name, std::string_view text, bool silent);
  void begin_scram_login(std::string_view mechanism, std::string_view client_first);
  void start_scram(std::string_view name, const StoreResult& found);
  void handle_scram_final(std::string_view line);
  void begin_classic_login(std::string_view name, std::string_view hash);
  void answer_classic_check(const StoreRequest& request, const StoreResult& result);
  void take_classic_answer(std::string_view& input);
  void finish_classic_answer();
  bool classic_answer_awaited() const;
  bool tsna2_answer_awaited() const;
  void expire_classic_challenge();

  // Sends the reply to the message being answered (answering_) and writes its audit record
  // with the reply's code (and counts it in the metrics): every reply a peer's message gets
  // goes through here.
  void respond(Code code, std::string_view text);
  // Counts a login's outcome in the metrics (when counted).
  void count_login(metrics::LoginOutcome outcome);
  // The audit record of answering_ when its reply is not a coded one (code 0: the classic
  // challenge's raw bytes).
  void audit(int code);

  const SessionContext& ctx_;
  std::string peer_;
  std::size_t address_len_;  // peer_.substr(0, address_len_) is the address
  Dialect dialect_ = Dialect::kClassic;
  bool first_message_ = true;
  Want want_ = Want::kRead;
  std::optional<std::string> user_;
  Answering answering_;
  std::string audit_text_;  // a prepared audit text answering_.cmd may view (an auth line)
  std::string output_;
  std::string pending_;  // unprocessed input held while paused
  bool pending_full_ = false;
  LineDecoder lines_;
  ClassicFramer classic_;
  SteadyTime last_message_;
  SteadyTime now_;  // when the event being processed happened (see stamp())
  WallTime wall_now_;
  std::uint64_t audit_identity_ = 0;  // AuditEvent::identity for the current user and dialect
  std::unique_ptr<Login> login_;
  std::unique_ptr<Stored> stored_;
  std::unique_ptr<std::array<std::uint8_t, 32>> channel_binding_;
  metrics::Shard* metrics_;  // ctx_.metrics' shard of this thread, or null
};

}  // namespace tsna
