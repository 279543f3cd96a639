// layering_test.cpp - every file of src/ keeps the library graph CMake declares and the
// third-party header rules, and the check reports exactly what a planted file breaks.
#include "layering.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace tsna::layering {
namespace {

namespace fs = std::filesystem;

Graph project_graph() {
  std::ifstream in(TSNA_LAYER_GRAPH);
  if (!in) {
    throw std::runtime_error("cannot read " + std::string(TSNA_LAYER_GRAPH));
  }
  return parse_graph(std::string(std::istreambuf_iterator<char>(in), {}));
}

void plant(const fs::path& root, const std::string& file, const std::string& text) {
  fs::create_directories((root / file).parent_path());
  std::ofstream(root / file) << text;
}

std::vector<std::string> messages(const Report& report) {
  std::vector<std::string> out;
  for (const Violation& v : report.violations) {
    out.push_back(to_string(v));
  }
  return out;
}

using Messages = std::vector<std::string>;

TEST(Layering, EverySourceFileKeepsTheGraphAndTheThirdPartyRules) {
  const Report report = check_tree(TSNA_SOURCE_DIR, project_graph(), third_party_rules());
  EXPECT_EQ(messages(report), Messages{});
  EXPECT_GT(report.files, 100u);  // it read the real tree
  EXPECT_GT(report.includes, 500u);
}

TEST(Layering, APlantedCommandsFileIsReportedForSessionAndAsioExactly) {
  testing::TempDir tree;
  plant(tree.path(), "src/commands/planted.cpp",
        "// planted.cpp - includes two headers commands must not see.\n"
        "#include \"commands/number.hpp\"\n"
        "#include \"session/session.hpp\"\n"
        "#include <string>\n"
        "#include <asio.hpp>\n"
        "#include \"common/utf8.hpp\"\n");
  EXPECT_EQ(messages(check_tree(tree.path(), project_graph(), third_party_rules())),
            (Messages{"src/commands/planted.cpp:3: #include \"session/session.hpp\": commands/ "
                      "may include only commands/, common/ (src/CMakeLists.txt)",
                      "src/commands/planted.cpp:5: #include <asio.hpp>: Asio only in server/, "
                      "client/, bench/"}));
}

TEST(Layering, TheSameIncludesPlantedInTheServerAreAllowed) {
  testing::TempDir tree;
  plant(tree.path(), "src/server/planted.cpp",
        "#include \"commands/number.hpp\"\n"
        "#include \"session/session.hpp\"\n"
        "#include <asio.hpp>\n"
        "#include <asio/ip/tcp.hpp>\n");
  const Report report = check_tree(tree.path(), project_graph(), third_party_rules());
  EXPECT_EQ(messages(report), Messages{});
  EXPECT_EQ(report.files, 1u);
  EXPECT_EQ(report.includes, 4u);
}

TEST(Layering, AFileNamedInARuleMayIncludeItsHeadersAndItsNeighboursMayNot) {
  testing::TempDir tree;
  plant(tree.path(), "src/store/sqlite_user_store.cpp", "#include <sqlite3.h>\n");
  plant(tree.path(), "src/store/user_file.cpp", "\n#include <sqlite3.h>\n");
  plant(tree.path(), "src/client/main.cpp", "#include <CLI/CLI.hpp>\n");
  plant(tree.path(), "src/client/repl.cpp", "#include <CLI/App.hpp>\n#include <histedit.h>\n");
  plant(tree.path(), "src/audit/json_line.cpp", "#include <openssl/evp.h>\n");
  EXPECT_EQ(messages(check_tree(tree.path(), project_graph(), third_party_rules())),
            (Messages{"src/audit/json_line.cpp:1: #include <openssl/evp.h>: OpenSSL only in "
                      "auth/, server/, client/, bench/",
                      "src/client/repl.cpp:1: #include <CLI/App.hpp>: CLI11 only in */main.cpp",
                      "src/store/user_file.cpp:2: #include <sqlite3.h>: SQLite only in "
                      "store/sqlite_user_store.cpp"}));
}

TEST(Layering, AnAllowListEntryAdmitsExactlyTheFileItNames) {
  const std::vector<HeaderRule> rules = {
      {"Asio", {"asio.hpp", "asio/"}, {"server"}, {"store/postgres_user_store.cpp"}}};
  testing::TempDir tree;
  plant(tree.path(), "src/store/postgres_user_store.cpp", "#include <asio/ip/tcp.hpp>\n");
  plant(tree.path(), "src/store/postgres_user_store.hpp", "#include <asio/ip/tcp.hpp>\n");
  plant(tree.path(), "src/store/sqlite_user_store.cpp", "#include <asiox.h>\n");
  EXPECT_EQ(messages(check_tree(tree.path(), project_graph(), rules)),
            Messages{"src/store/postgres_user_store.hpp:1: #include <asio/ip/tcp.hpp>: Asio only "
                     "in server/, store/postgres_user_store.cpp"});
}

TEST(Layering, IncludesThatDodgeTheIncludeRootsAreReported) {
  testing::TempDir tree;
  plant(tree.path(), "src/commands/calculator.cpp",
        "#include \"../session/session.hpp\"\n"
        "#include \"number.hpp\"\n"
        "#include <session/session.hpp>\n");
  EXPECT_EQ(messages(check_tree(tree.path(), project_graph(), third_party_rules())),
            (Messages{"src/commands/calculator.cpp:1: #include \"../session/session.hpp\": an "
                      "include path never climbs out with \"..\"",
                      "src/commands/calculator.cpp:2: #include \"number.hpp\": a project include "
                      "starts with its library's folder (\"commands/...\")",
                      "src/commands/calculator.cpp:3: #include <session/session.hpp>: commands/ "
                      "may include only commands/, common/ (src/CMakeLists.txt)"}));
}

TEST(Layering, AFolderThatIsNoLibraryOfTheGraphIsReported) {
  testing::TempDir tree;
  plant(tree.path(), "src/plugins/plugin.cpp", "#include \"common/utf8.hpp\"\n");
  plant(tree.path(), "src/loose.hpp", "#pragma once\n");
  EXPECT_EQ(messages(check_tree(tree.path(), project_graph(), third_party_rules())),
            (Messages{"src/loose.hpp: a file of src/ belongs in a library's folder",
                      "src/plugins/plugin.cpp: src/plugins/ is not a library of the CMake graph "
                      "(src/CMakeLists.txt)"}));
}

TEST(Layering, AUnitTestSeesOnlyItsModuleItsDependenciesAndTheTestSupport) {
  testing::TempDir tree;
  plant(tree.path(), "tests/unit/commands/number_test.cpp",
        "#include \"commands/number.hpp\"\n"
        "#include \"common/limits.hpp\"\n"
        "#include \"support/temp_dir.hpp\"\n"
        "#include \"helper.hpp\"\n"
        "#include <gtest/gtest.h>\n"
        "#include <asio.hpp>\n"
        "#include \"store/user_store.hpp\"\n");
  EXPECT_EQ(messages(check_tree(tree.path(), project_graph(), third_party_rules())),
            Messages{"tests/unit/commands/number_test.cpp:7: #include \"store/user_store.hpp\": "
                     "commands/ may include only commands/, common/ (src/CMakeLists.txt)"});
}

TEST(Layering, TheGraphReachesEveryLibraryThroughItsDependencies) {
  const Graph graph = parse_graph(
      "# a comment\n"
      "base:\n"
      "mid: base\n"
      "\n"
      "top:  mid  \n"
      "side: base\n");
  EXPECT_EQ(reachable(graph, "top"), (std::set<std::string>{"base", "mid", "top"}));
  EXPECT_EQ(reachable(graph, "base"), (std::set<std::string>{"base"}));
}

TEST(Layering, AMalformedGraphIsRefused) {
  EXPECT_THROW(parse_graph("base\n"), std::runtime_error);
  EXPECT_THROW(parse_graph("mid: base\n"), std::runtime_error);
  EXPECT_THROW(parse_graph("base:\nbase:\n"), std::runtime_error);
}

TEST(Layering, IncludeLinesAreFoundWithTheirLineNumbersAndCommentsAreNot) {
  const std::vector<Include> found = find_includes(
      "// #include \"session/session.hpp\"\n"
      "#include \"a/b.hpp\"\n"
      "  #  include   <c/d.h>  // trailing\n"
      "#define X 1\n"
      "#include <e>");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].line, 2);
  EXPECT_FALSE(found[0].angled);
  EXPECT_EQ(found[0].path, "a/b.hpp");
  EXPECT_EQ(found[1].line, 3);
  EXPECT_TRUE(found[1].angled);
  EXPECT_EQ(found[1].path, "c/d.h");
  EXPECT_EQ(found[2].line, 5);
  EXPECT_EQ(found[2].path, "e");
}

}  // namespace
}  // namespace tsna::layering
