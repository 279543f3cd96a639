// postgres_uri.hpp - what `--store URI` may say (SPEC 4.1): a libpq connection URI
// (postgresql:// or postgres://), parsed by libpq itself, and whether it carries a password,
// which the command line must not (ps shows it). Depends on nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tsna {

struct PostgresUri {
  bool has_password = false;
};

// True when `uri` names the PostgreSQL store rather than the embedded one.
bool is_postgres_uri(std::string_view uri);

// Parses `uri` with libpq. On failure returns nullopt and sets `error`, e.g. "--store: not a
// PostgreSQL URI (postgresql://...): sqlite:x" or libpq's own message.
std::optional<PostgresUri> parse_postgres_uri(const std::string& uri, std::string& error);

// The refusal of a password given on the command line, naming where it may come from instead.
std::string password_on_command_line_message();

}  // namespace tsna
