// login.hpp - the state of one login in flight (a challenge issued, its answer awaited), shared
// by the session's two files. Internal to the session layer; sans I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "auth/ntlm.hpp"
#include "common/clock.hpp"
#include "common/dialect.hpp"
#include "session/session.hpp"

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

}  // namespace tsna
