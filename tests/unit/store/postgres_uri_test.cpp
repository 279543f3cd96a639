// postgres_uri_test.cpp - what --store accepts (store/postgres_uri.hpp): PostgreSQL URIs as
// libpq parses them, and whether they carry a password (refused on the command line).
#include "store/postgres_uri.hpp"

#include <gtest/gtest.h>

namespace tsna {
namespace {

TEST(PostgresUri, BothSchemesAreAcceptedWithoutAPassword) {
  std::string error;
  const auto a = parse_postgres_uri("postgresql://tsna@db.example:5432/tsna", error);
  ASSERT_TRUE(a) << error;
  EXPECT_FALSE(a->has_password);
  const auto b = parse_postgres_uri("postgres:///tsna?host=/run/postgresql", error);
  ASSERT_TRUE(b) << error;
  EXPECT_FALSE(b->has_password);
}

TEST(PostgresUri, APasswordInTheUserInfoOrAParameterIsFound) {
  std::string error;
  EXPECT_TRUE(parse_postgres_uri("postgresql://tsna:s3cret@db/tsna", error)->has_password);
  EXPECT_TRUE(parse_postgres_uri("postgresql://tsna@db/tsna?password=s3cret", error)->has_password);
}

TEST(PostgresUri, AnotherSchemeIsRefusedByName) {
  std::string error;
  EXPECT_FALSE(parse_postgres_uri("sqlite:users.db", error));
  EXPECT_EQ(error,
            "--store: not a PostgreSQL URI (postgresql://... or postgres://...): sqlite:users.db");
  EXPECT_FALSE(is_postgres_uri("host=db dbname=tsna"));
}

TEST(PostgresUri, WhatLibpqCannotParseIsRefusedWithItsMessage) {
  std::string error;
  EXPECT_FALSE(parse_postgres_uri("postgresql://db/tsna?nosuchoption=1", error));
  EXPECT_EQ(error, "--store: invalid URI query parameter: \"nosuchoption\"");
}

}  // namespace
}  // namespace tsna
