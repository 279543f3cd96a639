// citations.hpp - the repository's cross-reference check: every "SPEC n.m" / "STYLE n.m" citation
// names a heading of docs/SPEC.md / docs/STYLE.md, and every relative Markdown link names a file
// inside the tree. Reads files only; depends on no TSNA library.
#pragma once

#include <cstddef>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tsna::repo {

// One citation found in a text: "SPEC 4.4" (a "§" before the number is dropped), on `line`
// (1-based). A list such as "SPEC 1, 2, 4.4" or a range "SPEC 5.1-5.4" gives one per number.
struct Citation {
  std::size_t line = 0;
  std::string document;  // "SPEC" or "STYLE"
  std::string section;   // "4.4"

  std::string text() const { return document + " " + section; }
  friend bool operator==(const Citation&, const Citation&) = default;
};

// One relative Markdown link target ("docs/PROTOCOL.md#status-codes" as written) on `line`.
struct Link {
  std::size_t line = 0;
  std::string target;
  friend bool operator==(const Link&, const Link&) = default;
};

// A problem the check reports, printed as "<file>:<line>: <what>", the file relative to the
// tree's root.
struct Finding {
  std::string file;
  std::size_t line = 0;
  std::string what;

  std::string to_string() const;
  friend bool operator==(const Finding&, const Finding&) = default;
};

// The section numbers of a Markdown document's numbered headings ("## 4. Server" gives "4",
// "### 4.4 Limits and faults" gives "4.4"); headings inside fenced code blocks do not count.
std::set<std::string> section_numbers(std::string_view markdown);

// Every citation of SPEC or STYLE in a text, in order.
std::vector<Citation> find_citations(std::string_view text);

// Every relative link of a Markdown text (inline "[text](target)" and reference "[id]: target"),
// outside code blocks and code spans. Links with a scheme ("https:", "mailto:") and links to an
// anchor of the same page ("#...") are not relative and are left out.
std::vector<Link> find_links(std::string_view markdown);

// The files the check reads under `root`: the folders src, tests, fuzz, bench, scripts, cmake and
// docs (text files by name: sources, CMake, scripts, Markdown) and README.md, DEVELOPERS.md.
// Relative to `root`, sorted.
std::vector<std::filesystem::path> files_to_check(const std::filesystem::path& root);

// Citations of sections that docs/SPEC.md or docs/STYLE.md under `root` lack (a missing document
// has no sections), and relative links in Markdown files that name no file or leave the tree.
// Sorted by file, then line.
std::vector<Finding> check_tree(const std::filesystem::path& root);

}  // namespace tsna::repo
