// service_unit_test.cpp - the sandbox of tsna-server.service (packaging/): systemd-analyze's
// offline security review rates it 2.0 or lower ("OK"), and docs/OPERATIONS.md quotes the
// score line it prints, so the docs change with the unit.
#include <gtest/gtest.h>

#include <sstream>

#include "package_files.hpp"
#include "support/shell_command.hpp"

namespace tsna::testing {
namespace {

TEST(ServiceUnit, SecurityExposureIsAtMostTwoAndTheDocsQuoteIt) {
  const CommandResult review =
      run_shell("systemd-analyze security --offline=true --threshold=20 " +
                shell_quote(source_path("packaging/tsna-server.service").string()) + " 2>&1");
  EXPECT_EQ(review.status, 0) << review.output;  // --threshold=20: non-zero above 2.0
  std::string score_line;
  std::istringstream lines(review.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("Overall exposure level for tsna-server.service: ") != std::string::npos) {
      score_line = line;
    }
  }
  ASSERT_FALSE(score_line.empty()) << review.output;
  const std::string prefix = "Overall exposure level for tsna-server.service: ";
  const double score = std::stod(score_line.substr(score_line.find(prefix) + prefix.size()));
  EXPECT_LE(score, 2.0);
  EXPECT_NE(score_line.find(" OK "), std::string::npos) << score_line;
  EXPECT_NE(read_text(source_path("docs/OPERATIONS.md")).find(score_line), std::string::npos)
      << "docs/OPERATIONS.md should quote: " << score_line;
}

}  // namespace
}  // namespace tsna::testing
