// options.hpp - the client's command line as plain data (SPEC 5.2), filled by main.cpp (CLI11)
// and read by client/program.hpp. Depends on nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tsna::client {

struct ClientOptions {
  // None: the seed's flow (SPEC 5.1). One: "HOST:PORT". Two: "HOST" "PORT".
  std::vector<std::string> address;
  std::vector<std::string> commands;  // -c, in order; stdin is then not read
  std::optional<std::string> user;    // --user: log in first
  std::optional<std::string> password_file;
  bool classic = false;                // --classic: the seed's dialect
  bool tls = false;                    // --tls: verify the server's certificate and name
  std::optional<std::string> ca_file;  // --ca: trust these CAs instead of the system store
  double timeout_seconds = 10.0;       // --timeout: each wait for the server
};

}  // namespace tsna::client
