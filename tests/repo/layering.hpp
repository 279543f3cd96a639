// layering.hpp - the include check behind layering_test.cpp: which project and third-party
// headers each file of src/ (and tests/unit/) may include. Reads files only; needs no TSNA code.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tsna::layering {

// Each library folder of src/ and the folders it links directly: the file CMake writes
// (tsna_write_layer_graph() in cmake/Layers.cmake).
using Graph = std::map<std::string, std::vector<std::string>>;

// Parses "folder: dep dep" lines ('#' starts a comment line). Throws std::runtime_error on a
// malformed line or a dependency that has no line of its own.
Graph parse_graph(std::string_view text);

// `folder` and every folder it reaches through the graph: the libraries whose headers it sees.
std::set<std::string> reachable(const Graph& graph, const std::string& folder);

// Where a third-party library's headers may be included (the table is layering_rules.cpp).
struct HeaderRule {
  std::string library;               // "Asio", as the rule's message names it
  std::vector<std::string> headers;  // "asio.hpp": that header; "asio/": every header under it
  std::vector<std::string> folders;  // library folders whose every file may include them
  std::vector<std::string> files;    // single files by path under src/ ("store/x.cpp"); a
                                     // path "*/main.cpp" names that file in every folder
};

// The project's rules, in one place.
const std::vector<HeaderRule>& third_party_rules();

struct Include {
  int line = 0;
  bool angled = false;  // <...> rather than "..."
  std::string path;     // between the delimiters
};

// Every #include directive of a source text, in order. Lines are 1-based.
std::vector<Include> find_includes(std::string_view source);

struct Violation {
  std::string file;     // relative to the tree's root: "src/commands/planted.cpp"
  int line = 0;         // 0: the whole file
  std::string include;  // as written: "\"session/session.hpp\"" or "<asio.hpp>"; empty for 0
  std::string rule;     // what it breaks
  bool operator==(const Violation&) const = default;
};

// "src/commands/planted.cpp:3: #include \"session/session.hpp\": <rule>", or
// "<file>: <rule>" for a whole file.
std::string to_string(const Violation& v);

struct Report {
  std::vector<Violation> violations;  // sorted by file, then line
  std::size_t files = 0;              // files read
  std::size_t includes = 0;           // #include lines checked
};

// Checks every C++ file under root/src/ against the graph and the rules, and the project
// includes of every file under root/tests/unit/<folder>/ against the graph (plus "support/").
Report check_tree(const std::filesystem::path& root, const Graph& graph,
                  const std::vector<HeaderRule>& rules);

}  // namespace tsna::layering
