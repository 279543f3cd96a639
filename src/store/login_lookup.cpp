// login_lookup.cpp - the throttle, then the store (login_lookup.hpp).
#include "store/login_lookup.hpp"

namespace tsna {

LoginLookupResult SequentialLookup::lookup(std::string_view address, std::string_view name) {
  LoginLookupResult result;
  result.throttle = throttle_.check(address, name);
  if (!result.throttle.wait) {
    result.verifier = users_.find(name);
  }
  return result;
}

}  // namespace tsna
