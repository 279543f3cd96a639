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

StoreResult run(const StoreRequest& request, const StoreWorkContext& ctx) {
  UserStore& users = *ctx.users;
  // A login is refused by the throttle before anything is looked up or derived: locked peers
  // cost no PBKDF2 and learn nothing about the name.
  if (request.kind == StoreRequest::Kind::kFind ||
      request.kind == StoreRequest::Kind::kCheckPassword) {
    if (const std::optional<std::chrono::seconds> wait =
            ctx.throttle->blocked(request.address, request.name)) {
      StoreResult r = outcome(StoreOutcome::kThrottled);
      r.wait = *wait;
      return r;
    }
  }
  switch (request.kind) {
    case StoreRequest::Kind::kRecordFailure:
      ctx.throttle->record_failure(request.address, request.name);
      return outcome(StoreOutcome::kDone);
    case StoreRequest::Kind::kRecordSuccess:
      ctx.throttle->record_success(request.address, request.name);
      return outcome(StoreOutcome::kDone);
    case StoreRequest::Kind::kFind: {
      std::optional<auth::ScramVerifier> v = users.find(request.name);
      return v ? StoreResult{StoreOutcome::kDone, std::move(v)}
               : outcome(StoreOutcome::kNoSuchUser);
    }
    case StoreRequest::Kind::kCheckPassword: {
      const std::optional<auth::ScramVerifier> v = users.find(request.name);
      if (!v) {
        return outcome(StoreOutcome::kNoSuchUser);
      }
      return outcome(auth::password_matches(*v, request.hash) ? StoreOutcome::kDone
                                                              : StoreOutcome::kWrongPassword);
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
      return ctx.users->find_never_blocks() && ctx.throttle->never_blocks();
    case StoreRequest::Kind::kRecordFailure:
    case StoreRequest::Kind::kRecordSuccess:
      return ctx.throttle->never_blocks();
    default:
      return false;  // a derivation or a durable write
  }
}

}  // namespace tsna
