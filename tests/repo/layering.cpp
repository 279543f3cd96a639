// layering.cpp - the include check: reads a tree's sources, finds their #include lines and
// applies the library graph and the third-party rules. Knows no layer by name (the graph and the
// rules are its inputs); reads files only.
#include "layering.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tsna::layering {
namespace {

namespace fs = std::filesystem;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  std::istringstream in{std::string(s)};
  for (std::string w; in >> w;) {
    words.push_back(w);
  }
  return words;
}

bool is_source(const fs::path& file) {
  fs::path p = file;
  if (p.extension() == ".in") {
    p = p.stem();  // version.hpp.in
  }
  static const std::set<std::string> kExtensions = {".cpp", ".hpp", ".h",   ".cc", ".hh",
                                                    ".cxx", ".hxx", ".ipp", ".inl"};
  return kExtensions.contains(p.extension().string());
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + file.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first path component of an include ("session" for "session/session.hpp"), or "" when it
// has none.
std::string first_component(std::string_view path) {
  const auto slash = path.find('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

std::string join_folders(const std::set<std::string>& folders) {
  std::string s;
  for (const std::string& f : folders) {
    s += (s.empty() ? "" : ", ") + f + "/";
  }
  return s;
}

bool header_matches(const HeaderRule& rule, std::string_view path) {
  return std::any_of(rule.headers.begin(), rule.headers.end(), [&](const std::string& h) {
    return h.ends_with('/') ? path.starts_with(h) : path == h;
  });
}

// `rel` is the file's path under src/, `folder` its first component.
bool rule_allows(const HeaderRule& rule, const std::string& folder, const std::string& rel) {
  if (std::find(rule.folders.begin(), rule.folders.end(), folder) != rule.folders.end()) {
    return true;
  }
  return std::any_of(rule.files.begin(), rule.files.end(), [&](const std::string& f) {
    return f.starts_with("*/") ? rel == folder + f.substr(1) : rel == f;
  });
}

std::string places(const HeaderRule& rule) {
  std::string s;
  for (const std::string& f : rule.folders) {
    s += (s.empty() ? "" : ", ") + f + "/";
  }
  for (const std::string& f : rule.files) {
    s += (s.empty() ? "" : ", ") + f;
  }
  return s.empty() ? "nowhere" : s;
}

std::string as_written(const Include& inc) {
  return inc.angled ? "<" + inc.path + ">" : "\"" + inc.path + "\"";
}

// One tree to walk: src/ (every rule) or tests/unit/ (project includes, plus its support/).
struct Tree {
  std::string prefix;  // "src/" or "tests/unit/"
  bool third_party_rules = true;
  std::string extra_folder;     // a non-library folder its quoted includes may name
  bool local_includes = false;  // quoted includes without a folder (helpers next to a test)
};

void check_file(const Tree& tree, const std::string& rel, std::string_view text, const Graph& graph,
                const std::vector<HeaderRule>& rules, Report& report) {
  const std::string file = tree.prefix + rel;
  const std::string folder = first_component(rel);
  if (folder.empty()) {
    report.violations.push_back(
        {file, 0, "", "a file of " + tree.prefix + " belongs in a library's folder"});
    return;
  }
  if (!graph.contains(folder)) {
    report.violations.push_back(
        {file, 0, "",
         tree.prefix + folder + "/ is not a library of the CMake graph (src/CMakeLists.txt)"});
    return;
  }
  const std::set<std::string> allowed = reachable(graph, folder);
  for (const Include& inc : find_includes(text)) {
    ++report.includes;
    // "../session/session.hpp" resolves next to the including file, around every include root.
    if (inc.path.starts_with("../") || inc.path.find("/../") != std::string::npos) {
      report.violations.push_back(
          {file, inc.line, as_written(inc), "an include path never climbs out with \"..\""});
      continue;
    }
    const std::string top = first_component(inc.path);
    if (graph.contains(top)) {
      if (!allowed.contains(top)) {
        report.violations.push_back(
            {file, inc.line, as_written(inc),
             folder + "/ may include only " + join_folders(allowed) + " (src/CMakeLists.txt)"});
      }
      continue;
    }
    if (!inc.angled) {
      const bool allowed_here = (tree.local_includes && top.empty()) ||
                                (!tree.extra_folder.empty() && top == tree.extra_folder);
      if (!allowed_here) {
        report.violations.push_back(
            {file, inc.line, as_written(inc),
             "a project include starts with its library's folder (\"" + folder + "/...\")"});
      }
      continue;
    }
    if (!tree.third_party_rules) {
      continue;
    }
    for (const HeaderRule& rule : rules) {
      if (header_matches(rule, inc.path) && !rule_allows(rule, folder, rel)) {
        report.violations.push_back(
            {file, inc.line, as_written(inc), rule.library + " only in " + places(rule)});
      }
    }
  }
}

void check_directory(const fs::path& root, const Tree& tree, const Graph& graph,
                     const std::vector<HeaderRule>& rules, Report& report) {
  const fs::path dir = root / tree.prefix;
  if (!fs::is_directory(dir)) {
    return;
  }
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || !is_source(entry.path())) {
      continue;
    }
    ++report.files;
    const std::string rel = entry.path().lexically_relative(dir).generic_string();
    check_file(tree, rel, read_all(entry.path()), graph, rules, report);
  }
}

}  // namespace

Graph parse_graph(std::string_view text) {
  Graph graph;
  std::istringstream in{std::string(text)};
  int number = 0;
  for (std::string raw; std::getline(in, raw);) {
    ++number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.starts_with('#')) {
      continue;
    }
    const auto colon = line.find(':');
    const std::string folder(trim(line.substr(0, colon)));
    if (colon == std::string_view::npos || folder.empty() ||
        folder.find_first_of(" \t/") != std::string::npos) {
      throw std::runtime_error("layer graph line " + std::to_string(number) +
                               ": expected \"folder: deps...\"");
    }
    if (!graph.emplace(folder, split_words(line.substr(colon + 1))).second) {
      throw std::runtime_error("layer graph line " + std::to_string(number) + ": " + folder +
                               " appears twice");
    }
  }
  for (const auto& [folder, deps] : graph) {
    for (const std::string& dep : deps) {
      if (!graph.contains(dep)) {
        throw std::runtime_error("layer graph: " + folder + " depends on unknown " + dep);
      }
    }
  }
  return graph;
}

std::set<std::string> reachable(const Graph& graph, const std::string& folder) {
  std::set<std::string> seen{folder};
  std::deque<std::string> todo{folder};
  while (!todo.empty()) {
    const auto it = graph.find(todo.front());
    todo.pop_front();
    if (it == graph.end()) {
      continue;
    }
    for (const std::string& dep : it->second) {
      if (seen.insert(dep).second) {
        todo.push_back(dep);
      }
    }
  }
  return seen;
}

std::vector<Include> find_includes(std::string_view source) {
  std::vector<Include> found;
  int number = 0;
  while (!source.empty()) {
    ++number;
    const auto end = source.find('\n');
    std::string_view line = source.substr(0, end);
    source.remove_prefix(end == std::string_view::npos ? source.size() : end + 1);

    line = trim(line);
    if (!line.starts_with('#')) {
      continue;
    }
    line = trim(line.substr(1));
    if (!line.starts_with("include")) {
      continue;
    }
    line = trim(line.substr(7));
    if (line.empty() || (line.front() != '<' && line.front() != '"')) {
      continue;
    }
    const char close = line.front() == '<' ? '>' : '"';
    const auto stop = line.find(close, 1);
    if (stop == std::string_view::npos) {
      continue;
    }
    found.push_back({number, close == '>', std::string(line.substr(1, stop - 1))});
  }
  return found;
}

std::string to_string(const Violation& v) {
  if (v.line == 0) {
    return v.file + ": " + v.rule;
  }
  return v.file + ":" + std::to_string(v.line) + ": #include " + v.include + ": " + v.rule;
}

Report check_tree(const fs::path& root, const Graph& graph, const std::vector<HeaderRule>& rules) {
  Report report;
  check_directory(root, {"src/", true, "", false}, graph, rules, report);
  check_directory(root, {"tests/unit/", false, "support", true}, graph, rules, report);
  std::sort(report.violations.begin(), report.violations.end(),
            [](const Violation& a, const Violation& b) {
              return a.file != b.file ? a.file < b.file : a.line < b.line;
            });
  return report;
}

}  // namespace tsna::layering
