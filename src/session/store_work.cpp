// store_work.cpp - StoreRequests carried out against a UserStore (store_work.hpp).
#include "session/store_work.hpp"

#include <array>
#include <chrono>
#include <exception>
#include <optional>

#include "store/store_error.hpp"

namespace tsna {
namespace {

auth::ScramVerifier new_verifier(std::string_view hash, const StoreWorkContext& ctx) {
  std::array<std::uint8_t, auth::kScramSaltBytes> salt{};
  ctx.random->fill(salt);
  return auth::derive_verifier(hash, salt, ctx.iterations);
}

StoreResult outcome(StoreOutcome o) {
  return StoreResult{o, std::nullopt};
}

// Calls `f` with a login's lookup: the shared store's own when it has one, else the throttle
// followed by the store.
template <typename F>
auto with_lookup(const StoreWorkContext& ctx, F&& f) {
  if (ctx.lookup != nullptr) {
    return f(*ctx.lookup);
  }
  SequentialLookup sequential(*ctx.users, *ctx.throttle);
  return f(sequential);
}

}  // namespace

StoreResult lookup_outcome(const StoreRequest& request, LoginLookupResult found) {
  StoreResult r = outcome(StoreOutcome::kDone);
  r.counted = found.throttle.counted;
  if (found.throttle.wait) {
    r.outcome = StoreOutcome::kThrottled;
    r.wait = *found.throttle.wait;
  } else if (!found.verifier) {
    r.outcome = StoreOutcome::kNoSuchUser;
  } else if (request.kind == StoreRequest::Kind::kFind) {
    r.verifier = std::move(found.verifier);
  } else if (!auth::password_matches(*found.verifier, request.hash)) {
    r.outcome = StoreOutcome::kWrongPassword;
  }
  return r;
}

namespace {

StoreResult run(const StoreRequest& request, const StoreWorkContext& ctx) {
  UserStore& users = *ctx.users;
  switch (request.kind) {
    case StoreRequest::Kind::kRecordFailure:
      ctx.throttle->record_failure(request.address, request.name);
      return outcome(StoreOutcome::kDone);
    case StoreRequest::Kind::kRecordSuccess:
      ctx.throttle->record_success(request.address, request.name);
      return outcome(StoreOutcome::kDone);
    case StoreRequest::Kind::kFind:
    case StoreRequest::Kind::kCheckPassword: {
      // A login is refused by the throttle before anything is derived: locked peers cost no
      // PBKDF2 and learn nothing about the name.
      return with_lookup(ctx, [&](LoginLookup& lookup) {
        return lookup_outcome(request, lookup.lookup(request.address, request.name));
      });
    }
    case StoreRequest::Kind::kAdd:
      // A name already taken costs no derivation; the add itself settles races.
      if (users.find(request.name)) {
        return outcome(StoreOutcome::kNameTaken);
      }
      return outcome(users.add(request.name, new_verifier(request.hash, ctx)) == AddResult::kAdded
                         ? StoreOutcome::kDone
                         : StoreOutcome::kNameTaken);
    case StoreRequest::Kind::kChange: {
      // "Same password" is found by deriving with the stored salt: no hash is kept to compare.
      const std::optional<auth::ScramVerifier> current = users.find(request.name);
      if (!current) {
        return outcome(StoreOutcome::kNoSuchUser);
      }
      if (auth::password_matches(*current, request.hash)) {
        return outcome(StoreOutcome::kSamePassword);
      }
      return outcome(users.change(request.name, new_verifier(request.hash, ctx)) ==
                             ChangeResult::kChanged
                         ? StoreOutcome::kDone
                         : StoreOutcome::kNoSuchUser);
    }
  }
  return outcome(StoreOutcome::kFailed);
}

}  // namespace

StoreResult carry_out(const StoreRequest& request, const StoreWorkContext& ctx,
                      std::string& error) {
  try {
    return run(request, ctx);
  } catch (const StoreUnavailable& e) {
    error = e.what();
    return outcome(StoreOutcome::kUnavailable);
  } catch (const std::exception& e) {
    error = e.what();
    return outcome(StoreOutcome::kFailed);
  }
}

bool is_immediate(const StoreRequest& request, const StoreWorkContext& ctx) {
  switch (request.kind) {
    case StoreRequest::Kind::kFind:
      return with_lookup(ctx, [](LoginLookup& lookup) { return lookup.never_blocks(); });
    case StoreRequest::Kind::kRecordFailure:
    case StoreRequest::Kind::kRecordSuccess:
      return ctx.throttle->never_blocks();
    default:
      return false;  // a derivation or a durable write
  }
}

}  // namespace tsna
