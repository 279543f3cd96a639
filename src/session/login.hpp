// login.hpp - what a session has in flight, shared by its two files: a login (a classic
// challenge whose 32 answer bytes are awaited, or a SCRAM exchange: looking up the verifier,
// then awaiting client-final) and a store request awaiting its result. Internal to the session
// layer; sans I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "auth/ntlm.hpp"
#include "auth/scram_server.hpp"
#include "common/clock.hpp"
#include "common/dialect.hpp"
#include "session/session.hpp"

namespace tsna {

struct Session::Login {
  Dialect dialect = Dialect::kTsna2;
  std::string name;
  SteadyTime issued{};  // when the challenge (classic) or server-first (SCRAM) went out
  bool counted = true;  // the throttle's check found failures to clear on a success

  // Classic: the hash the client sent (its answer is keyed with it, as the seed does), the
  // 8-byte challenge, and the answer bytes collected so far.
  std::string hash;
  std::array<std::uint8_t, auth::kClassicChallengeBytes> challenge{};
  std::array<std::uint8_t, 32> answer{};
  std::size_t answer_len = 0;
  bool answer_awaited = false;  // the challenge went out (the hash had matched)

  // SCRAM: the exchange, started once the verifier (or a decoy) is known.
  auth::ScramMechanism mechanism = auth::ScramMechanism::kSha256;
  std::string client_first;  // base64, held while the verifier is looked up
  bool known = false;        // the user exists (else the exchange runs against a decoy)
  std::unique_ptr<auth::ScramServer> scram;
};

struct Session::Stored {
  StoreRequest request;
  // The message the result answers (answering_ when the request went out), owned.
  std::string cmd;
  bool is_answer = false;
  std::string login;
  bool prepared = false;
  // kRecordFailure/kRecordSuccess: the login's verdict, sent once the count is recorded
  // (Session::send_verdict).
  std::string verdict;
  bool silent = false;
};

}  // namespace tsna
