// store_error.hpp - the error a UserStore or a shared Throttle throws when its medium cannot be
// reached at all (the database is down, the connection broke, the node is backing off before it
// reconnects): the request was not carried out, or its outcome is unknown and the client is told
// so. Store work answers it "Service unavailable" (SPEC 4.4). Depends on nothing.
#pragma once

#include <stdexcept>
#include <string>

namespace tsna {

class StoreUnavailable : public std::runtime_error {
 public:
  explicit StoreUnavailable(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace tsna
