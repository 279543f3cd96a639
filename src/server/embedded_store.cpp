// embedded_store.cpp - the embedded store with the server's options (embedded_store.hpp).
#include "server/embedded_store.hpp"

#include <cstdio>
#include <string>

#include "auth/saslprep.hpp"

namespace tsna {
namespace {

// A user whose hash the migration turned into a verifier, but whose name SASLprep changes: SCRAM
// clients send the prepared name, so only the classic login can work for it.
void report_migrated_user(const std::string& name) {
  if (!auth::is_saslprep_stable(name)) {
    std::fprintf(stderr,
                 "tsna-server: users.db: user %s: SASLprep changes this name, so SCRAM (TSNA/2) "
                 "clients cannot log in as it; the classic login still can\n",
                 name.c_str());
  }
}

}  // namespace

std::unique_ptr<SqliteUserStore> open_embedded_store(const ServerOptions& options,
                                                     RandomSource* random) {
  SqliteStoreOptions store_options;
  store_options.iterations = options.scram_iterations;
  store_options.random = random;
  store_options.on_migrated = &report_migrated_user;
  return SqliteUserStore::open(options.data_dir, store_options);
}

}  // namespace tsna
