// postgres_uri.cpp - --store URIs parsed by libpq's PQconninfoParse (postgres_uri.hpp).
#include "store/postgres_uri.hpp"

#include <libpq-fe.h>

#include <cstring>

namespace tsna {

bool is_postgres_uri(std::string_view uri) {
  return uri.starts_with("postgresql://") || uri.starts_with("postgres://");
}

std::optional<PostgresUri> parse_postgres_uri(const std::string& uri, std::string& error) {
  if (!is_postgres_uri(uri)) {
    error = "--store: not a PostgreSQL URI (postgresql://... or postgres://...): " + uri;
    return std::nullopt;
  }
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &message);
  if (options == nullptr) {
    std::string text = message != nullptr ? message : "out of memory";
    while (!text.empty() && text.back() == '\n') {
      text.pop_back();
    }
    PQfreemem(message);
    error = "--store: " + text;
    return std::nullopt;
  }
  PostgresUri parsed;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr && *o->val != '\0') {
      parsed.has_password = true;
    }
  }
  PQconninfoFree(options);
  return parsed;
}

std::string password_on_command_line_message() {
  return "--store: a password on the command line is visible to every local user (ps); put the "
         "URI in the --config file, or the password in PGPASSFILE (~/.pgpass) or PGPASSWORD";
}

}  // namespace tsna
