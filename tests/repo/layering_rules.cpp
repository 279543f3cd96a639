// layering_rules.cpp - the one table of which src/ files may include which third-party headers
// (they live in /usr/include, so no include root can wall them). Add a library or a file here.
#include "layering.hpp"

namespace tsna::layering {

const std::vector<HeaderRule>& third_party_rules() {
  static const std::vector<HeaderRule> kRules = {
      // The network layers. `files`: a file of another layer that must speak a network
      // protocol through asio (say a store backend) is allowed here by its exact path, e.g.
      // "store/postgres_user_store.cpp" (none is: libpq's sockets are driven by the store
      // threads, and by server/loop_lookup.cpp through the sans-wait store/postgres_pipeline:
      // docs/ARCHITECTURE.md).
      {"Asio", {"asio.hpp", "asio/"}, {"server", "client", "bench"}, {}},
      // Plain sockets: the commands, the session and the store know nothing of the network.
      {"POSIX sockets",
       {"sys/socket.h", "netinet/", "arpa/inet.h", "netdb.h"},
       {"server", "client", "bench"},
       // inet_pton/inet_ntop only: the PROXY header's addresses, no socket.
       {"protocol/proxy_header.cpp"}},
      // Crypto belongs to auth, TLS to the network layers.
      {"OpenSSL", {"openssl/"}, {"auth", "server", "client", "bench"}, {}},
      {"SQLite", {"sqlite3.h"}, {}, {"store/sqlite_user_store.cpp"}},
      // Command lines are parsed in each executable's main.cpp.
      {"CLI11", {"CLI/"}, {}, {"*/main.cpp"}},
      {"libedit", {"histedit.h", "editline/"}, {"client"}, {}},
      // SCRAM, SASLprep and PBKDF2: auth wraps GNU SASL for the server, the client and the bench.
      {"GNU SASL", {"gsasl.h", "gsasl-mech.h"}, {"auth"}, {}},
      // The shared store's client library: the store threads' pool, an event loop's pipelined
      // connection and the URI check only.
      {"libpq",
       {"libpq-fe.h", "libpq/", "postgresql/"},
       {},
       {"store/postgres_connection.cpp", "store/postgres_pipeline.cpp", "store/postgres_uri.cpp"}},
  };
  return kRules;
}

}  // namespace tsna::layering
