// store_work.hpp - how a session's StoreRequest is carried out against a UserStore and a
// Throttle: the throttle's verdict on a login, looking up verifiers, checking a presented hash
// (PBKDF2), deriving a new verifier with a fresh salt and committing it, counting failures
// (SPEC 4.2, 4.4). Blocking and CPU-heavy (about 1 ms per derivation at 4096
// iterations): the server runs it on its store threads, never on an event loop. No I/O of its
// own besides what the store does.
#pragma once

#include <cstdint>
#include <string>

#include "auth/throttle.hpp"
#include "common/random_source.hpp"
#include "session/session.hpp"
#include "store/login_lookup.hpp"
#include "store/user_store.hpp"

namespace tsna {

struct StoreWorkContext {
  UserStore* users = nullptr;
  auth::Throttle* throttle = nullptr;                        // the server's, or the cluster's
  RandomSource* random = nullptr;                            // salts of new verifiers
  std::uint32_t iterations = auth::kDefaultScramIterations;  // of new verifiers
  // What a login asks first (the throttle, then the verifier), when a shared store answers both
  // at once; null: `throttle`, then `users`.
  LoginLookup* lookup = nullptr;
};

// Carries out `request`. StoreUnavailable (the store cannot be reached) becomes kUnavailable, any
// other store exception kFailed; the message goes to `error`.
StoreResult carry_out(const StoreRequest& request, const StoreWorkContext& ctx, std::string& error);

// What a login's lookup says to its request (kFind, or kCheckPassword, which derives: store
// threads only): kThrottled with the wait, kNoSuchUser, or the verifier, or whether the hash
// matches; `counted` in every case. For carry_out() and for a caller that looked up itself.
StoreResult lookup_outcome(const StoreRequest& request, LoginLookupResult found);

// True when `request` needs neither a derivation nor a wait on the store or the throttle (a
// kFind or a count on a server that keeps both in memory), so the caller may carry it out at
// once on its own thread.
bool is_immediate(const StoreRequest& request, const StoreWorkContext& ctx);

}  // namespace tsna
