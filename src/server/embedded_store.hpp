// embedded_store.hpp - opens the embedded store (SQLite in --data-dir) the way every tsna-server
// command does: with --scram-iterations for the verifiers it makes, and a report of migrated
// users whose names SCRAM clients cannot send (SPEC 4.2). Used by the server and by
// import-users / export-users.
#pragma once

#include <memory>

#include "common/random_source.hpp"
#include "server/server_options.hpp"
#include "store/sqlite_user_store.hpp"

namespace tsna {

// `random` (salts) may be null: OpenSSL's. Throws as SqliteUserStore::open does.
std::unique_ptr<SqliteUserStore> open_embedded_store(const ServerOptions& options,
                                                     RandomSource* random = nullptr);

}  // namespace tsna
