// store_executor.cpp - store writes on the store thread, results back on the caller's loop.
#include "server/store_executor.hpp"

#include <cstdio>
#include <exception>

namespace tsna {

StoreOutcome StoreExecutor::execute(const StoreRequest& request) {
  try {
    if (request.kind == StoreRequest::Kind::kAdd) {
      return users_.add(request.name, request.hash) == AddResult::kAdded ? StoreOutcome::kDone
                                                                         : StoreOutcome::kConflict;
    }
    return users_.change(request.name, request.hash) == ChangeResult::kChanged
               ? StoreOutcome::kDone
               : StoreOutcome::kConflict;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tsna-server: store write failed: %s\n", e.what());
    return StoreOutcome::kFailed;
  }
}

}  // namespace tsna
