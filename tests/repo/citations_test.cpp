// citations_test.cpp - every SPEC/STYLE citation in the repository names a section that exists,
// every relative Markdown link names a file, and the checker reports planted faults exactly.
// Planted citations are written as split literals ("SPEC" " 9.9") so this file cites nothing.
#include "citations.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace tsna::repo {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> lines_of(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) {
    out.push_back(f.to_string());
  }
  return out;
}

std::string joined(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    out += f.to_string() + "\n";
  }
  return out;
}

// A small tree with the two documents, one good citation of each, and the planted faults.
class CitationCheck : public ::testing::Test {
 protected:
  CitationCheck() {
    write(
        root() / "docs/SPEC.md",
        "# Planted spec\n\n## 1. One\n\n### 1.1 One one\n\n## 2. Two\n\n```\n## 9. In code\n```\n");
    write(root() / "docs/STYLE.md", "# Planted style\n\n## 1. Habits\n\n### 1.1 Small\n");
    write(root() / "src/planted.cpp",
          "// planted.cpp - cites SPEC 1.1 and STYLE 1.\n"
          "// SPEC"
          " 9.9\n"
          "int planted = 0;\n");
    write(root() / "scripts/planted.sh",
          "#!/bin/sh\n"
          "# STYLE 1.1 holds; STYLE"
          " 42 does not\n");
    write(root() / "docs/GUIDE.md",
          "# Guide\n"
          "See [the spec](SPEC.md) and [its first part](SPEC.md#1-one), [the web](https://x.org).\n"
          "\n"
          "And [a missing page](MISSING.md).\n"
          "Shown as code, not a link: `[x](NOT_THERE.md)`.\n");
  }

  const fs::path& root() const { return dir_.path(); }

 private:
  testing::TempDir dir_;
};

TEST_F(CitationCheck, PlantedBadCitationsAndABrokenLinkAreReportedWithFileLineAndText) {
  const std::vector<std::string> expected = {
      "docs/GUIDE.md:4: link MISSING.md: no such file",
      "scripts/planted.sh:2: STYLE"
      " 42: docs/STYLE.md has no section 42",
      "src/planted.cpp:2: SPEC"
      " 9.9: docs/SPEC.md has no section 9.9",
  };
  EXPECT_EQ(lines_of(check_tree(root())), expected);
}

TEST_F(CitationCheck, FilesOutsideTheCheckedFoldersAndDataFilesAreNotRead) {
  write(root() / "build/generated.cpp",
        "// SPEC"
        " 9.9\n");
  write(root() / "fuzz/corpus/target/input_1",
        "SPEC"
        " 9.9\n");
  write(root() / "tests/data/seed/data_log.txt",
        "SPEC"
        " 9.9\n");
  EXPECT_EQ(check_tree(root()).size(), 3u) << joined(check_tree(root()));
}

TEST_F(CitationCheck, CitationInAMarkdownFileIsCheckedToo) {
  write(root() / "docs/NOTES.md",
        "Per SPEC 2 and SPEC"
        " 3.\n");
  const std::vector<Finding> findings = check_tree(root());
  ASSERT_EQ(findings.size(), 4u) << joined(findings);
  EXPECT_EQ(findings[1].to_string(),
            "docs/NOTES.md:1: SPEC"
            " 3: docs/SPEC.md has no section 3");
}

TEST_F(CitationCheck, WithoutTheDocumentEveryCitationOfItIsReported) {
  fs::remove(root() / "docs/STYLE.md");
  const std::vector<std::string> expected = {
      "docs/GUIDE.md:4: link MISSING.md: no such file",
      "scripts/planted.sh:2: STYLE 1.1: docs/STYLE.md has no section 1.1",
      "scripts/planted.sh:2: STYLE"
      " 42: docs/STYLE.md has no section 42",
      "src/planted.cpp:1: STYLE 1: docs/STYLE.md has no section 1",
      "src/planted.cpp:2: SPEC"
      " 9.9: docs/SPEC.md has no section 9.9",
  };
  EXPECT_EQ(lines_of(check_tree(root())), expected);
}

TEST_F(CitationCheck, LinkThatLeavesTheTreeIsReportedEvenIfTheFileExists) {
  write(root() / "docs/OUT.md", "[outside](../../elsewhere/SPEC.md) [up](../../" +
                                    root().filename().string() + "/docs/SPEC.md)\n");
  const std::vector<Finding> findings = check_tree(root());
  ASSERT_EQ(findings.size(), 5u) << joined(findings);
  EXPECT_EQ(findings[1].to_string(),
            "docs/OUT.md:1: link ../../elsewhere/SPEC.md: outside the "
            "repository");
  EXPECT_EQ(findings[2].to_string(), "docs/OUT.md:1: link ../../" + root().filename().string() +
                                         "/docs/SPEC.md: outside the repository");
}

TEST(CitationSections, NumberedHeadingsGiveTheirNumbersAndOthersNone) {
  const std::set<std::string> numbers = section_numbers(
      "# TSNA\n## 4. Server: `tsna-server`\n### 4.4 Limits and faults\n#### 4.4.1 Deep\n"
      "## Notes\n##5. No space\n## 6\n### 7.1. Dotted\nText ## 8. not a heading\n");
  EXPECT_EQ(numbers, (std::set<std::string>{"4", "4.4", "4.4.1", "6", "7.1"}));
}

TEST(CitationSections, HeadingsInsideCodeFencesDoNotCount) {
  EXPECT_EQ(section_numbers("## 1. Real\n```text\n## 2. Shown\n```\n~~~\n## 3. Also shown\n~~~\n"),
            (std::set<std::string>{"1"}));
}

TEST(CitationParsing, ListsAndRangesGiveOneCitationPerNumber) {
  const std::vector<Citation> expected = {
      {1, "SPEC", "1"},   {1, "SPEC", "2"},   {1, "SPEC", "4.4"},  {2, "SPEC", "5.1"},
      {2, "SPEC", "5.4"}, {2, "SPEC", "4.2"}, {2, "SPEC", "4.3"},  {3, "SPEC", "2.2"},
      {3, "SPEC", "3"},   {3, "STYLE", "1"},  {3, "STYLE", "1.1"},
  };
  EXPECT_EQ(find_citations("(SPEC 1, 2, 4.4)\nSPEC 5.1-5.4 and SPEC 4.2/4.3\n"
                           "SPEC 2.2 and 3; STYLE 1 or 1.1.\n"),
            expected);
}

TEST(CitationParsing, SectionSignIsDroppedAndASentencesFullStopIsNotPartOfTheNumber) {
  const std::vector<Citation> expected = {
      {1, "SPEC", "2"}, {1, "SPEC", "2.1"}, {2, "STYLE", "1.1"}, {2, "SPEC", "1"}};
  EXPECT_EQ(find_citations("SPEC §2 and SPEC §2.1\nsee STYLE 1.1. Then SPEC 1.\n"), expected);
}

TEST(CitationParsing, WordsThatOnlyContainTheDocumentNameAreNotCitations) {
  EXPECT_TRUE(find_citations("SPEC.md §5, STYLE.md, kSPEC 1, SPECIAL 1, SPEC is silent, "
                             "SPEC: 1, SPEC  1, MY_STYLE 1, SPEC x1\n")
                  .empty());
}

TEST(CitationParsing, AListEndsAtTheFirstJoinerThatNoNumberFollows) {
  const std::vector<Citation> expected = {{1, "SPEC", "4.2"}, {1, "STYLE", "1"}};
  EXPECT_EQ(find_citations("(SPEC 4.2, STYLE 1) - done, and more\n"), expected);
}

TEST(CitationLinks, InlineAndReferenceLinksAreFoundWithTheirLines) {
  const std::vector<Link> expected = {
      {1, "docs/PROTOCOL.md"}, {1, "SPEC.md#4-server"}, {2, "a b.md"}, {3, "../README.md"}};
  EXPECT_EQ(find_links("See [p](docs/PROTOCOL.md) and [s](SPEC.md#4-server \"title\").\n"
                       "An ![image](<a b.md>).\n"
                       "[readme]: ../README.md\n"),
            expected);
}

TEST(CitationLinks, LinksWithASchemeOrOnlyAnAnchorOrInsideCodeAreLeftOut) {
  EXPECT_TRUE(find_links("[w](https://example.org) [m](mailto:a@b.c) [a](#status-codes)\n"
                         "`[c](code.md)` and ``[d](x.md)``\n"
                         "```\n[e](fenced.md)\n```\n")
                  .empty());
}

TEST(CitationRepository, EveryCitationNamesASectionAndEveryRelativeLinkAFile) {
  const fs::path root = TSNA_SOURCE_DIR;
  ASSERT_TRUE(fs::exists(root / "docs/SPEC.md"));
  ASSERT_TRUE(fs::exists(root / "docs/STYLE.md"));
  const std::vector<Finding> findings = check_tree(root);
  EXPECT_TRUE(findings.empty()) << joined(findings);
}

TEST(CitationRepository, TheCheckReadsTheSourcesTestsAndDocuments) {
  const std::vector<fs::path> files = files_to_check(TSNA_SOURCE_DIR);
  for (const char* must :
       {"README.md", "DEVELOPERS.md", "docs/SPEC.md", "docs/STYLE.md", "src/session/session.cpp",
        "tests/CMakeLists.txt", "fuzz/tools/make_corpus.py", "fuzz/dict/tsna.dict",
        "scripts/start.sh", "cmake/Warnings.cmake", "bench/README.md"}) {
    EXPECT_NE(std::find(files.begin(), files.end(), fs::path(must)), files.end()) << must;
  }
}

TEST(CitationRepository, SpecHasTheNumberedSectionsTheCodeCites) {
  std::ifstream in(fs::path(TSNA_SOURCE_DIR) / "docs/SPEC.md");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::set<std::string> expected = {"1",   "1.1", "1.2", "1.3", "2",   "2.1", "2.2",
                                          "2.3", "2.4", "3",   "4",   "4.1", "4.2", "4.3",
                                          "4.4", "4.5", "4.6", "4.7", "4.8", "5",   "5.1",
                                          "5.2", "5.3", "5.4", "5.5", "5.6", "6",   "7"};
  EXPECT_EQ(section_numbers(text), expected);
}

}  // namespace
}  // namespace tsna::repo
