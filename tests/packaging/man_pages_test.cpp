// man_pages_test.cpp - the manual pages tsna(1), tsna-bench(1) and tsna-server(8) (man/): mandoc
// finds no warning in them, and every option, positional argument and subcommand the program's
// --help lists appears in its page, so an option added later fails here until documented.
#include <gtest/gtest.h>

#include <cctype>

#include "package_files.hpp"
#include "support/help_options.hpp"
#include "support/shell_command.hpp"

namespace tsna::testing {
namespace {

struct Page {
  std::string program;  // the binary as CMake built it
  std::string source;   // relative to the source tree
};

std::vector<Page> pages() {
  return {{TSNA_CLIENT_BIN, "man/tsna.1"},
          {TSNA_BENCH_BIN, "man/tsna-bench.1"},
          {TSNA_SERVER_BIN, "man/tsna-server.8"}};
}

// The page as man shows it, without the overstrike of bold and underlined text.
std::string rendered(const std::string& source) {
  const std::string ascii =
      run_shell("mandoc -T ascii " + shell_quote(source_path(source).string()) + " 2>/dev/null")
          .output;
  std::string plain;
  for (std::size_t i = 0; i < ascii.size(); ++i) {
    if (i + 1 < ascii.size() && ascii[i + 1] == '\b') {
      ++i;  // "x\bx" (bold) and "_\bx" (underline) show x
      continue;
    }
    plain += ascii[i];
  }
  return plain;
}

// True when `word` stands in `text` as a word of its own ("--tls" is not in "--tls-cert").
bool has_word(const std::string& text, const std::string& word) {
  const auto part_of_word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  };
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const bool starts = at == 0 || !part_of_word(text[at - 1]);
    const std::size_t end = at + word.size();
    const bool ends = end == text.size() || !part_of_word(text[end]);
    if (starts && ends) {
      return true;
    }
  }
  return false;
}

TEST(ManPages, MandocLintFindsNoWarning) {
  for (const Page& page : pages()) {
    const CommandResult lint = run_shell("mandoc -T lint -W warning " +
                                         shell_quote(source_path(page.source).string()) + " 2>&1");
    EXPECT_EQ(lint.status, 0) << page.source;
    EXPECT_EQ(lint.output, "") << page.source;
  }
}

TEST(ManPages, EveryOptionOfHelpIsInThePage) {
  for (const Page& page : pages()) {
    const HelpOptions help = parse_help(run_shell(shell_quote(page.program) + " --help").output);
    ASSERT_FALSE(help.options.empty()) << page.program;
    const std::string text = rendered(page.source);
    for (const auto* names : {&help.options, &help.subcommands, &help.positionals}) {
      for (const std::string& name : *names) {
        EXPECT_TRUE(has_word(text, name)) << page.source << " does not mention " << name;
      }
    }
  }
}

TEST(ManPages, WordCheckTellsAnOptionFromALongerOne) {
  EXPECT_TRUE(has_word("use --tls, then", "--tls"));
  EXPECT_FALSE(has_word("use --tls-cert FILE", "--tls"));
  EXPECT_FALSE(has_word("the --port-range", "--port"));
}

}  // namespace
}  // namespace tsna::testing
