// citations.cpp - scans the tree for SPEC/STYLE citations and relative Markdown links and checks
// them against docs/SPEC.md, docs/STYLE.md and the files that exist. Standard library only.
#include "citations.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <system_error>

namespace tsna::repo {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSection = "\xC2\xA7";  // "§" in UTF-8
constexpr std::string_view kEnDash = "\xE2\x80\x93";
constexpr std::array<std::string_view, 2> kDocuments = {"SPEC", "STYLE"};
// What may join two numbers of one citation: "SPEC 1, 2", "SPEC 5.1-5.4", "SPEC 4.2/4.3".
constexpr std::array<std::string_view, 7> kJoiners = {", and ", ", ", " and ", " or ",
                                                      "-",      "/",  kEnDash};

constexpr std::array<std::string_view, 15> kTextExtensions = {
    ".cpp", ".hpp", ".h",    ".cc",   ".c",   ".in",   ".md",  ".cmake",
    ".sh",  ".py",  ".dict", ".json", ".yml", ".yaml", ".toml"};
constexpr std::array<std::string_view, 7> kFolders = {"src",     "tests", "fuzz", "bench",
                                                      "scripts", "cmake", "docs"};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_word_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// The section number at text[pos...] ("4", "4.4", "1.2.3"; a '.' not followed by a digit ends
// it), its length, or 0 when there is no digit at pos.
std::size_t number_length(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && is_digit(text[end])) {
    ++end;
  }
  if (end == pos) {
    return 0;
  }
  while (end + 1 < text.size() && text[end] == '.' && is_digit(text[end + 1])) {
    ++end;
    while (end < text.size() && is_digit(text[end])) {
      ++end;
    }
  }
  return end - pos;
}

// Skips an optional "§" at text[pos...].
std::size_t skip_section_sign(std::string_view text, std::size_t pos) {
  return text.substr(pos).starts_with(kSection) ? pos + kSection.size() : pos;
}

// Splits a text into its lines (without '\n'; a '\r' before it is kept, harmlessly).
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return lines;
}

// True for a line that opens or closes a fenced code block (``` or ~~~, indented at most 3).
bool is_fence(std::string_view line) {
  const std::size_t start = line.find_first_not_of(' ');
  if (start == std::string_view::npos || start > 3) {
    return false;
  }
  line.remove_prefix(start);
  return line.starts_with("```") || line.starts_with("~~~");
}

// The line with its code spans (`...`, ``...``) blanked out, so that links shown as code are not
// taken for links.
std::string without_code_spans(std::string_view line) {
  std::string out(line);
  std::size_t i = 0;
  while (i < out.size()) {
    if (out[i] != '`') {
      ++i;
      continue;
    }
    std::size_t run = 0;
    while (i + run < out.size() && out[i + run] == '`') {
      ++run;
    }
    const std::string fence(run, '`');
    std::size_t close = out.find(fence, i + run);
    while (close != std::string::npos && close + run < out.size() && out[close + run] == '`') {
      close = out.find(fence, close + run + 1);
    }
    if (close == std::string::npos) {
      i += run;
      continue;
    }
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(i),
              out.begin() + static_cast<std::ptrdiff_t>(close + run), ' ');
    i = close + run;
  }
  return out;
}

bool has_scheme(std::string_view target) {
  const std::size_t colon = target.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return false;
  }
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = target[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (i > 0 && (is_digit(c) || c == '+' || c == '-' || c == '.'));
    if (!ok) {
      return false;
    }
  }
  return true;
}

// A link target as written, without its angle brackets and title; empty when it is not a
// relative link.
std::string relative_target(std::string_view raw) {
  const std::size_t start = raw.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    return {};
  }
  raw.remove_prefix(start);
  std::string_view target;
  if (raw.starts_with('<')) {
    target = raw.substr(1, raw.find('>') == std::string_view::npos ? raw.npos : raw.find('>') - 1);
  } else {
    target = raw.substr(0, raw.find(' '));
  }
  if (target.empty() || target.starts_with('#') || has_scheme(target)) {
    return {};
  }
  return std::string(target);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool is_text_file(const fs::path& path) {
  if (path.filename() == "CMakeLists.txt") {
    return true;
  }
  const std::string ext = path.extension().string();
  return std::find(kTextExtensions.begin(), kTextExtensions.end(), ext) != kTextExtensions.end();
}

bool is_hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

// The file a link in `from` (relative to root) names, as a path relative to root, or an empty
// path when it leaves the tree.
fs::path resolve_link(const fs::path& from, std::string_view target) {
  std::string path(target.substr(0, target.find_first_of("#?")));
  for (std::size_t at = path.find("%20"); at != std::string::npos; at = path.find("%20", at)) {
    path.replace(at, 3, " ");
  }
  const fs::path joined =
      path.starts_with('/') ? fs::path(path.substr(1)) : from.parent_path() / fs::path(path);
  const fs::path normal = joined.lexically_normal();
  if (normal.empty() || *normal.begin() == "..") {
    return {};
  }
  return normal;
}

}  // namespace

std::string Finding::to_string() const {
  return file + ":" + std::to_string(line) + ": " + what;
}

std::set<std::string> section_numbers(std::string_view markdown) {
  std::set<std::string> numbers;
  bool in_code = false;
  for (std::string_view line : lines_of(markdown)) {
    if (is_fence(line)) {
      in_code = !in_code;
      continue;
    }
    if (in_code) {
      continue;
    }
    const std::size_t hashes = line.find_first_not_of('#');
    if (hashes == 0 || hashes == std::string_view::npos || hashes > 6 || line[hashes] != ' ') {
      continue;
    }
    const std::size_t n = number_length(line, hashes + 1);
    if (n == 0) {
      continue;
    }
    std::size_t after = hashes + 1 + n;
    if (after < line.size() && line[after] == '.') {
      ++after;
    }
    if (after == line.size() || line[after] == ' ') {
      numbers.emplace(line.substr(hashes + 1, n));
    }
  }
  return numbers;
}

std::vector<Citation> find_citations(std::string_view text) {
  std::vector<Citation> found;
  std::size_t line = 1;
  std::size_t counted = 0;  // text[0, counted) has been scanned for line ends
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    std::string_view document;
    for (std::string_view d : kDocuments) {
      if (text.substr(pos).starts_with(d)) {
        document = d;
      }
    }
    if (document.empty() || (pos > 0 && is_word_char(text[pos - 1]))) {
      continue;
    }
    std::size_t at = pos + document.size();
    if (at >= text.size() || (text[at] != ' ' && text[at] != '\n')) {
      continue;
    }
    at = skip_section_sign(text, at + 1);
    std::size_t n = number_length(text, at);
    if (n == 0) {
      continue;
    }
    line +=
        static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted),
                                            text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
    counted = pos;
    for (;;) {
      found.push_back(Citation{line, std::string(document), std::string(text.substr(at, n))});
      at += n;
      n = 0;
      for (std::string_view joiner : kJoiners) {
        if (text.substr(at).starts_with(joiner)) {
          const std::size_t next = skip_section_sign(text, at + joiner.size());
          n = number_length(text, next);
          if (n != 0) {
            at = next;
            break;
          }
        }
      }
      if (n == 0) {
        break;
      }
    }
    pos = at - 1;
  }
  return found;
}

std::vector<Link> find_links(std::string_view markdown) {
  std::vector<Link> links;
  bool in_code = false;
  std::size_t number = 0;
  for (std::string_view raw_line : lines_of(markdown)) {
    ++number;
    if (is_fence(raw_line)) {
      in_code = !in_code;
      continue;
    }
    if (in_code) {
      continue;
    }
    const std::string line = without_code_spans(raw_line);
    // A reference definition: "[id]: target".
    const std::size_t lead = line.find_first_not_of(' ');
    if (lead != std::string::npos && lead <= 3 && line[lead] == '[') {
      const std::size_t close = line.find("]:", lead);
      if (close != std::string::npos) {
        const std::string target = relative_target(std::string_view(line).substr(close + 2));
        if (!target.empty()) {
          links.push_back(Link{number, target});
        }
        continue;
      }
    }
    // Inline links: "[text](target)".
    for (std::size_t at = line.find("]("); at != std::string::npos; at = line.find("](", at)) {
      const std::size_t end = line.find(')', at + 2);
      if (end == std::string::npos) {
        break;
      }
      const std::string target =
          relative_target(std::string_view(line).substr(at + 2, end - at - 2));
      if (!target.empty()) {
        links.push_back(Link{number, target});
      }
      at = end;
    }
  }
  return links;
}

std::vector<fs::path> files_to_check(const fs::path& root) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(root, ec)) {
    if (entry.is_regular_file() && is_text_file(entry.path())) {
      files.push_back(entry.path().lexically_relative(root));
    }
  }
  for (std::string_view folder : kFolders) {
    const fs::path dir = root / folder;
    if (!fs::is_directory(dir)) {
      continue;
    }
    for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::end(it); it.increment(ec)) {
      if (is_hidden(it->path())) {
        if (it->is_directory()) {
          it.disable_recursion_pending();
        }
        continue;
      }
      if (it->is_regular_file() && is_text_file(it->path())) {
        files.push_back(it->path().lexically_relative(root));
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Finding> check_tree(const fs::path& root) {
  const std::array<std::pair<std::string_view, std::set<std::string>>, 2> sections = {{
      {"SPEC", section_numbers(read_text(root / "docs" / "SPEC.md"))},
      {"STYLE", section_numbers(read_text(root / "docs" / "STYLE.md"))},
  }};
  std::vector<Finding> findings;
  for (const fs::path& file : files_to_check(root)) {
    const std::string text = read_text(root / file);
    if (text.find('\0') != std::string::npos) {
      continue;  // not text after all
    }
    for (const Citation& c : find_citations(text)) {
      for (const auto& [document, numbers] : sections) {
        if (c.document == document && !numbers.contains(c.section)) {
          findings.push_back(
              Finding{file.string(), c.line,
                      c.text() + ": docs/" + c.document + ".md has no section " + c.section});
        }
      }
    }
    if (file.extension() != ".md") {
      continue;
    }
    for (const Link& link : find_links(text)) {
      const fs::path target = resolve_link(file, link.target);
      if (target.empty()) {
        findings.push_back(
            Finding{file.string(), link.line, "link " + link.target + ": outside the repository"});
      } else if (!fs::exists(root / target)) {
        findings.push_back(
            Finding{file.string(), link.line, "link " + link.target + ": no such file"});
      }
    }
  }
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return a.file != b.file ? a.file < b.file : a.line < b.line;
  });
  return findings;
}

}  // namespace tsna::repo
