// help_options.hpp - the option names and subcommands a CLI11 `--help` text lists, for the
// tests that every option is documented (man pages, the default configuration file) and
// settable in a file. Header-only; depends on nothing of TSNA.
#pragma once

#include <set>
#include <sstream>
#include <string>

namespace tsna::testing {

struct HelpOptions {
  std::set<std::string> options;      // "-h", "--help", "--port", ...
  std::set<std::string> subcommands;  // "import-users", ...
  std::set<std::string> positionals;  // "address", ...
};

// Reads CLI11's layout: under "Options:", lines that start with two spaces and a '-' name the
// option(s) in their first word ("-c,--command"); under "Subcommands:" and "Positionals:", the
// first word of each line indented by two spaces is a subcommand or a positional argument.
inline HelpOptions parse_help(const std::string& help) {
  HelpOptions found;
  std::istringstream lines(help);
  std::string section;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.front() != ' ') {
      section = line;
      continue;
    }
    if (line.rfind("  ", 0) != 0 || line.size() < 3 || line[2] == ' ') {
      continue;  // a continuation line of a description
    }
    const std::string first = line.substr(2, line.find(' ', 2) - 2);
    if (section == "Options:" && first.front() == '-') {
      std::istringstream names(first);
      for (std::string name; std::getline(names, name, ',');) {
        found.options.insert(name);
      }
    } else if (section == "Subcommands:") {
      found.subcommands.insert(first);
    } else if (section == "Positionals:") {
      found.positionals.insert(first);
    }
  }
  return found;
}

}  // namespace tsna::testing
