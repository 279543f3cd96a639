// login_lookup.hpp - what a login asks before anything else (SPEC 4.4, 1.2): the throttle's
// verdict on its address and name and, unless locked, the name's verifier. One call, so that a
// shared store can answer both in one round trip (postgres_login_lookup.hpp); SequentialLookup
// asks a Throttle and then a UserStore, for a server that keeps its counts in memory. Depends on
// user_store and auth's Throttle interface.
#pragma once

#include <optional>
#include <string_view>

#include "auth/scram_verifier.hpp"
#include "auth/throttle.hpp"
#include "store/user_store.hpp"

namespace tsna {

struct LoginLookupResult {
  auth::ThrottleCheck throttle;
  std::optional<auth::ScramVerifier> verifier;  // not locked, and the name is registered
};

class LoginLookup {
 public:
  virtual ~LoginLookup() = default;
  // Thread safe. May throw what UserStore::find() throws.
  virtual LoginLookupResult lookup(std::string_view address, std::string_view name) = 0;
  // True when lookup() answers from memory and never waits: an event loop may then call it.
  virtual bool never_blocks() const = 0;
};

// The throttle first; the store only when not locked (a locked peer learns nothing of the name).
class SequentialLookup final : public LoginLookup {
 public:
  SequentialLookup(const UserStore& users, auth::Throttle& throttle)
      : users_(users), throttle_(throttle) {}
  LoginLookupResult lookup(std::string_view address, std::string_view name) override;
  bool never_blocks() const override {
    return users_.find_never_blocks() && throttle_.never_blocks();
  }

 private:
  const UserStore& users_;
  auth::Throttle& throttle_;
};

}  // namespace tsna
