// session_fuzz.cpp - libFuzzer target for tsna::Session, the whole per-connection state machine
// (SPEC 1, 2, 4.4), driven as server/connection.cpp drives it: reads of at most the read chunk
// size, store requests answered at once, deadlines when due. Checks: the output only ever grows
// by complete, known replies (one per write in classic); want() moves only as documented; a
// store request is well-formed; only "exit" or a deadline closes; the logged-in user exists;
// every audit record is one JSON line naming the session's user and dialect, and one audit
// identity never stands for two; no crash, leak or UB.
//
// Input: [flags][separator S][tick T] then segments split at S. A segment "T<n>" advances the
// clock by n seconds (0: 100 ms) and fires the deadline if due; any other segment is sent as
// reads. flags: bit 0 --allow-classic, bit 1 small limits, bit 2 TLS channel binding, bits 3-4
// store answer (real / refused / failure / alternately real and unavailable), bit 5 IPv6 peer,
// bit 6 two connections on one thread sharing the store and throttle (segments alternate
// between them; ticks reach both). The random source repeats 00 01 02 ... on every fill, so a
// corpus can hold classic answers that log in; SCRAM nonces come from GNU SASL, so a TSNA/2
// login cannot succeed from a fixed corpus (its failures and decoys are fuzzed). Verifiers are
// derived with 1 PBKDF2 iteration so that store requests stay cheap.
// Fuzz-only; depends on src/session and the layers below it.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/json_line.hpp"
#include "auth/login_throttle.hpp"
#include "fuzz_support.hpp"
#include "session/session.hpp"
#include "session/store_work.hpp"
#include "support/manual_clock.hpp"
#include "support/memory_user_store.hpp"

namespace tsna {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kHash = "910f4aff69c6c642b3756489bb81a945";  // ntlm_hash("123456")
// The classic challenge this random source always gives.
constexpr std::string_view kClassicChallenge("\x00\x01\x02\x03\x04\x05\x06\x07", 8);
// Longer than any reply: bounds what one message may add past the output limit.
constexpr std::size_t kLongestReply = 512;

// Every fill is 00 01 02 ...: challenges are predictable, so answers can be in the corpus.
class RepeatingRandom final : public RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = static_cast<std::uint8_t>(i);
    }
  }
};

// Formats each record as the file log would and checks it is one well-formed line that names
// the recording session's user and dialect; events sharing an identity share those fields.
class CheckingAudit final : public AuditSink {
 public:
  explicit CheckingAudit(std::size_t cap) : cap_(cap) {}
  const Session* session = nullptr;  // the session being driven, which must be the recorder

  void record(const AuditEvent& e) override {
    TSNA_FUZZ_CHECK(e.code == 0 || e.code == 200 || e.code == 300 || e.code == 400, e.cmd);
    const std::optional<std::string> user =
        e.user ? std::optional<std::string>(*e.user) : std::nullopt;
    TSNA_FUZZ_CHECK(
        session != nullptr && user == session->user() && e.dialect == session->dialect(),
        "audit record for another user or dialect: " + user.value_or("(none)"));
    if (e.identity != 0) {
      const Identity fields{std::string(e.peer), user, e.dialect};
      const auto [it, added] = identities_.emplace(e.identity, fields);
      TSNA_FUZZ_CHECK(added || it->second == fields,
                      "audit identity reused for other fields: " + user.value_or("(none)") +
                          " was " + it->second.user.value_or("(none)"));
    }
    line_.clear();
    append_json_line(line_, e, cap_);
    TSNA_FUZZ_CHECK(line_.ends_with("}\n") && line_.find('\n') == line_.size() - 1, line_);
    TSNA_FUZZ_CHECK(is_valid_utf8(line_), line_);
    if (e.is_answer) {
      TSNA_FUZZ_CHECK(line_.find(R"("cmd":"***")") != std::string::npos ||
                          line_.find(R"("cmd":"")") != std::string::npos,
                      line_);
    }
  }

 private:
  struct Identity {
    std::string peer;
    std::optional<std::string> user;
    Dialect dialect;
    bool operator==(const Identity&) const = default;
  };
  std::size_t cap_;
  std::string line_;
  std::map<std::uint64_t, Identity> identities_;
};

struct Harness {
  Limits limits;
  ManualClock clock;
  MemoryUserStore users;
  RepeatingRandom random;
  std::unique_ptr<CheckingAudit> audit;
  std::unique_ptr<auth::LoginThrottle> throttle;
  SessionContext ctx;
  struct Conn {
    std::unique_ptr<Session> session;
    bool closed = false;
  };
  std::vector<Conn> conns;
  Conn* cur = nullptr;                                     // the connection being driven
  bool trace = std::getenv("TSNA_FUZZ_TRACE") != nullptr;  // print each write to stderr
  int store_policy = 0;
  int stores = 0;

  Session* session() const { return cur->session.get(); }
  void select(Conn& c) {
    cur = &c;
    audit->session = c.session.get();
  }

  // One write's worth of output, as the server would send it: checked, then taken.
  void take_output(bool is_flush) {
    std::string out;
    out.swap(session()->output());
    if (is_flush) {
      TSNA_FUZZ_CHECK(!out.empty(), "kFlush with nothing to write");
    }
    if (out.empty()) {
      return;
    }
    if (trace) {
      std::fprintf(stderr, "S%zu(%s): %s\n", static_cast<std::size_t>(cur - conns.data()),
                   session()->dialect() == Dialect::kClassic ? "classic" : "tsna2",
                   fuzz::escape(out).c_str());
    }
    if (session()->dialect() == Dialect::kClassic) {
      check_classic_write(out);
    } else {
      check_tsna2_write(out);
    }
  }

  // Classic: one reply per write (SPEC 1.1), or the raw 8-byte challenge.
  void check_classic_write(std::string_view out) {
    if (out == kClassicChallenge) {
      TSNA_FUZZ_CHECK(ctx.allow_classic_login, "classic challenge without --allow-classic");
      return;
    }
    const std::optional<fuzz::Reply> r = fuzz::parse_classic_reply(out);
    TSNA_FUZZ_CHECK(r.has_value(), out);
    TSNA_FUZZ_CHECK(r->code != 300, out);
    if (r->code == 400 && r->text.ends_with('\n')) {
      // A refused "hello <other>" keeps its '\n' for the TSNA/2 client that sent it.
      TSNA_FUZZ_CHECK(r->text == std::string(msg::kUnsupportedVersion) + "\n", out);
      return;
    }
    TSNA_FUZZ_CHECK(fuzz::is_known_reply(r->code, r->text), out);
  }

  // TSNA/2: only complete lines, grouped into complete known replies (SPEC 1.2).
  void check_tsna2_write(std::string_view out) {
    std::string why;
    const auto replies = fuzz::parse_tsna2_replies(out, why);
    TSNA_FUZZ_CHECK(replies.has_value(), why + ": " + std::string(out));
    for (const fuzz::Reply& r : *replies) {
      TSNA_FUZZ_CHECK(fuzz::is_known_reply(r.code, r.text), std::to_string(r.code) + " " + r.text);
      // A SCRAM server-first answers the client-first nonce this corpus uses, or another.
      TSNA_FUZZ_CHECK(r.code != 300 || fuzz::is_scram_message(r.text, "r="), r.text);
    }
  }

  void check_state() {
    TSNA_FUZZ_CHECK(session()->output().size() < limits.max_output_bytes + kLongestReply,
                    "output past the limit");
    if (const std::optional<std::string>& user = session()->user()) {
      TSNA_FUZZ_CHECK(is_valid_username(*user), *user);
      TSNA_FUZZ_CHECK(users.find(*user).has_value(), "logged in as an unknown user " + *user);
      // Without --allow-classic only a TSNA/2 login can log a connection in.
      TSNA_FUZZ_CHECK(ctx.allow_classic_login || session()->dialect() == Dialect::kTsna2, *user);
    }
    if (session()->want() == Want::kStore) {
      const StoreRequest& r = session()->store_request();
      TSNA_FUZZ_CHECK(!r.address.empty(), "a store request without the peer's address");
      switch (r.kind) {
        case StoreRequest::Kind::kFind:
          // The name as client-first gave it: maybe no valid user name (then a decoy).
          TSNA_FUZZ_CHECK(!r.name.empty() && r.hash.empty(), r.name);
          TSNA_FUZZ_CHECK(session()->dialect() == Dialect::kTsna2, r.name);
          TSNA_FUZZ_CHECK(!session()->user(), "verifier lookup while logged in");
          break;
        case StoreRequest::Kind::kRecordFailure:
          TSNA_FUZZ_CHECK(r.hash.empty() && !session()->user(), "a failure while logged in");
          break;
        case StoreRequest::Kind::kRecordSuccess:
          TSNA_FUZZ_CHECK(is_valid_username(r.name) && users.find(r.name).has_value(), r.name);
          TSNA_FUZZ_CHECK(!session()->user(), "a second login on one connection");
          break;
        case StoreRequest::Kind::kCheckPassword:
          TSNA_FUZZ_CHECK(is_valid_username(r.name), r.name);
          TSNA_FUZZ_CHECK(is_password_hash(r.hash) && session()->dialect() == Dialect::kClassic,
                          r.name + " " + r.hash);
          TSNA_FUZZ_CHECK(!session()->user(), "classic login while logged in");
          break;
        case StoreRequest::Kind::kAdd:
          TSNA_FUZZ_CHECK(is_valid_username(r.name) && is_password_hash(r.hash), r.hash);
          TSNA_FUZZ_CHECK(!session()->user(), "register while logged in");
          break;
        case StoreRequest::Kind::kChange:
          TSNA_FUZZ_CHECK(is_password_hash(r.hash), r.hash);
          TSNA_FUZZ_CHECK(session()->user() == r.name, "changepwd for another user " + r.name);
          break;
      }
      TSNA_FUZZ_CHECK(ctx.allow_classic_login || session()->dialect() == Dialect::kTsna2 ||
                          r.kind == StoreRequest::Kind::kRecordFailure,
                      "classic store request without --allow-classic");
    }
  }

  StoreResult answer_store() {
    const StoreRequest& r = session()->store_request();
    const int policy = store_policy == 3 ? (stores % 2 == 0 ? 0 : 3) : store_policy;
    ++stores;
    switch (policy) {
      case 1:
        return StoreResult{r.kind == StoreRequest::Kind::kAdd ? StoreOutcome::kNameTaken
                                                              : StoreOutcome::kNoSuchUser,
                           std::nullopt};
      case 2:
        return StoreResult{StoreOutcome::kFailed, std::nullopt};
      case 3:
        return StoreResult{StoreOutcome::kUnavailable, std::nullopt};
      default:
        break;
    }
    std::string error;
    StoreResult result = carry_out(r, StoreWorkContext{&users, throttle.get(), &random, 1}, error);
    TSNA_FUZZ_CHECK(error.empty(), error);
    return result;
  }

  // The server's loop (server/connection.cpp run_session) until it needs the next read.
  void drive(bool by_deadline = false) {
    for (int steps = 0;; ++steps) {
      TSNA_FUZZ_CHECK(steps < 1'000'000, "the session never settles");
      check_state();
      switch (session()->want()) {
        case Want::kStore: {
          const Dialect before = session()->dialect();
          session()->on_store_done(answer_store());
          TSNA_FUZZ_CHECK(session()->dialect() == before, "store result changed the dialect");
          break;
        }
        case Want::kFlush: {
          take_output(true);
          session()->on_output_sent();
          break;
        }
        case Want::kClose: {
          // Only "exit" closes from a message, and its reply is the last thing written.
          const std::string& out = session()->output();
          TSNA_FUZZ_CHECK(by_deadline || out.ends_with(session()->dialect() == Dialect::kClassic
                                                           ? "200:disconnected"
                                                           : "200:disconnected\n"),
                          out);
          take_output(false);
          cur->closed = true;
          return;
        }
        case Want::kRead:
          take_output(false);
          return;
      }
    }
  }

  void read(std::string_view bytes, bool full) {
    TSNA_FUZZ_CHECK(session()->want() == Want::kRead, "read while not reading");
    const Dialect before = session()->dialect();
    // A buffer of exactly the read's size, freed as soon as on_read returns: the server reuses
    // its read buffer while a session waits for the store, so ASan must see any view kept.
    if (trace) {
      std::fprintf(stderr, "C%zu%s: %s\n", static_cast<std::size_t>(cur - conns.data()),
                   full ? "(full)" : "", fuzz::escape(bytes).c_str());
    }
    auto buffer = std::make_unique<char[]>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), buffer.get());
    session()->on_read(std::string_view(buffer.get(), bytes.size()), full);
    buffer.reset();
    // The only dialect change is the upgrade, by the first message.
    TSNA_FUZZ_CHECK(session()->dialect() == before || before == Dialect::kClassic, "downgrade");
    drive();
  }

  void tick(std::uint8_t seconds) {
    clock.advance(seconds == 0
                      ? std::chrono::steady_clock::duration(100ms)
                      : std::chrono::steady_clock::duration(std::chrono::seconds(seconds)));
    if (trace) {
      std::fprintf(stderr, "-- clock +%us\n", seconds);
    }
    for (Conn& c : conns) {
      select(c);
      if (c.closed || clock.now() < session()->deadline()) {
        continue;
      }
      // The sweep cancels a read that is waiting (server/server.cpp): only in kRead, output
      // sent. An expired classic challenge first records its failed login (a store request);
      // if the idle timeout has passed as well, the next sweep closes. Two sweeps at most.
      for (int sweep = 0; sweep < 2 && !c.closed && clock.now() >= session()->deadline(); ++sweep) {
        session()->on_deadline(clock.now());
        const Want want = session()->want();
        TSNA_FUZZ_CHECK(want == Want::kRead || want == Want::kClose ||
                            (sweep == 0 && want == Want::kStore &&
                             session()->store_request().kind == StoreRequest::Kind::kRecordFailure),
                        "on_deadline asked for a flush or a store request other than a failure");
        drive(/*by_deadline=*/true);
      }
      // A deadline that stays in the past would make the sweep fire again and again.
      TSNA_FUZZ_CHECK(c.closed || session()->deadline() > clock.now(),
                      "deadline not moved past now");
    }
  }
};

Limits small_limits() {
  Limits l;
  l.max_line_bytes = 100;  // still room for a TSNA/2 answer (97 bytes)
  l.max_output_bytes = 256;
  l.read_chunk_bytes = 128;  // a full read can hold an overlong classic message
  l.idle_timeout = 20s;
  l.challenge_lifetime = 5s;
  l.failed_login_threshold = 2;
  l.failed_login_window = 10s;
  l.backoff_start = 1s;
  l.backoff_max = 4s;
  l.throttle_table_capacity = 2;
  l.audit_cmd_max_bytes = 16;
  return l;
}

}  // namespace
}  // namespace tsna

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tsna;
  if (size < 3) {
    return 0;
  }
  const std::uint8_t flags = data[0];
  const char separator = static_cast<char>(data[1]);
  const char tick = static_cast<char>(data[2]);

  Harness h;
  if ((flags & 2) != 0) {
    h.limits = small_limits();
  }
  h.store_policy = (flags >> 3) & 3;
  const std::vector<std::uint8_t> salt(16, 1);
  h.users.add("bob", auth::derive_verifier(kHash, salt, 1));
  h.users.add("haibin", auth::derive_verifier(kHash, salt, 1));
  h.audit = std::make_unique<CheckingAudit>(h.limits.audit_cmd_max_bytes);
  h.throttle = std::make_unique<auth::LoginThrottle>(h.limits, h.clock);
  h.ctx.limits = h.limits;
  h.ctx.allow_classic_login = (flags & 1) != 0;
  h.ctx.decoy_secret = h.users.decoy_secret();
  h.ctx.random = &h.random;
  h.ctx.audit = h.audit.get();
  h.ctx.clock = &h.clock;
  const bool two = (flags & 0x40) != 0;
  h.conns.reserve(2);
  for (std::size_t i = 0; i < (two ? 2u : 1u); ++i) {
    Harness::Conn& c = h.conns.emplace_back();
    const char* peer = (flags & 0x20) != 0 ? (i == 0 ? "[::1]:6016" : "[::1]:6017")
                                           : (i == 0 ? "127.0.0.1:54022" : "127.0.0.1:54023");
    c.session = std::make_unique<Session>(h.ctx, peer);
    if ((flags & 4) != 0) {
      std::array<std::uint8_t, 32> binding{};
      binding[0] = 1;
      c.session->set_channel_binding(binding);
    }
    h.select(c);
    c.session->start();
    TSNA_FUZZ_CHECK(c.session->output() == kGreeting, c.session->output());
    c.session->output().clear();
    TSNA_FUZZ_CHECK(c.session->want() == Want::kRead, "not reading after start");
  }

  std::string_view rest = fuzz::as_chars(data + 3, size - 3);
  std::size_t next = 0;  // the connection the next read segment goes to
  const auto all_closed = [&h]() {
    return std::all_of(h.conns.begin(), h.conns.end(),
                       [](const Harness::Conn& c) { return c.closed; });
  };
  while (!rest.empty() && !all_closed()) {
    const std::size_t end = std::min(rest.find(separator), rest.size());
    std::string_view segment = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (segment.size() == 2 && segment[0] == tick) {
      h.tick(static_cast<std::uint8_t>(segment[1]));
      continue;
    }
    h.select(h.conns[next]);
    next = (next + 1) % h.conns.size();
    // A segment longer than the read chunk arrives as several reads; full ones are marked.
    while (!segment.empty() && !h.cur->closed) {
      const std::size_t n = std::min(segment.size(), h.limits.read_chunk_bytes);
      h.read(segment.substr(0, n), n == h.limits.read_chunk_bytes);
      segment.remove_prefix(n);
    }
  }
  return 0;
}
