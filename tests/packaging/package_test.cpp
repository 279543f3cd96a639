// package_test.cpp - the Debian package CPack makes (docs/OPERATIONS.md): exactly these files
// with these modes, these control fields, the conffile, stripped programs, the committed man
// pages and changelog, lintian without an error and with only the warnings the docs justify,
// and a unit that systemd-analyze verifies against the package's own files.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <vector>

#include "package_files.hpp"
#include "support/shell_command.hpp"
#include "support/temp_dir.hpp"

namespace tsna::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::string deb() {
  return shell_quote(built_package().string());
}

// The package extracted into a temporary directory.
class ExtractedPackage : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_shell("dpkg-deb -x " + deb() + " " + shell_quote(root().string())).status, 0);
  }
  std::filesystem::path root() const { return dir_.path() / "root"; }

  TempDir dir_;
};

TEST(DebianPackage, FileNameIsNameVersionRevisionAndArchitecture) {
  const std::string arch = run_shell("dpkg --print-architecture").output;
  EXPECT_EQ(built_package().filename().string(), std::string("tsna_") + TSNA_PROJECT_VERSION + "-" +
                                                     TSNA_PACKAGE_RELEASE + "_" +
                                                     arch.substr(0, arch.find('\n')) + ".deb");
}

TEST(DebianPackage, HoldsExactlyTheseFilesWithTheseModes) {
  std::vector<std::string> expected = {
      "drwxr-xr-x root/root ./etc/",
      "drwxr-xr-x root/root ./etc/tsna/",
      "-rw-r--r-- root/root ./etc/tsna/tsna-server.conf",
      "drwxr-xr-x root/root ./lib/",
      "drwxr-xr-x root/root ./lib/systemd/",
      "drwxr-xr-x root/root ./lib/systemd/system/",
      "-rw-r--r-- root/root ./lib/systemd/system/tsna-server.service",
      "drwxr-xr-x root/root ./usr/",
      "drwxr-xr-x root/root ./usr/bin/",
      "-rwxr-xr-x root/root ./usr/bin/tsna",
      "-rwxr-xr-x root/root ./usr/bin/tsna-bench",
      "-rwxr-xr-x root/root ./usr/bin/tsna-server",
      "drwxr-xr-x root/root ./usr/share/",
      "drwxr-xr-x root/root ./usr/share/doc/",
      "drwxr-xr-x root/root ./usr/share/doc/tsna/",
      "-rw-r--r-- root/root ./usr/share/doc/tsna/CLIENT.md.gz",
      "-rw-r--r-- root/root ./usr/share/doc/tsna/OPERATIONS.md.gz",
      "-rw-r--r-- root/root ./usr/share/doc/tsna/PROTOCOL.md.gz",
      "-rw-r--r-- root/root ./usr/share/doc/tsna/README.md.gz",
      "-rw-r--r-- root/root ./usr/share/doc/tsna/SECURITY.md.gz",
      "-rw-r--r-- root/root ./usr/share/doc/tsna/SPEC.md.gz",
      "-rw-r--r-- root/root ./usr/share/doc/tsna/WIRESHARK.md.gz",
      "-rw-r--r-- root/root ./usr/share/doc/tsna/changelog.Debian.gz",
      "-rw-r--r-- root/root ./usr/share/doc/tsna/copyright",
      "drwxr-xr-x root/root ./usr/share/man/",
      "drwxr-xr-x root/root ./usr/share/man/man1/",
      "-rw-r--r-- root/root ./usr/share/man/man1/tsna-bench.1.gz",
      "-rw-r--r-- root/root ./usr/share/man/man1/tsna.1.gz",
      "drwxr-xr-x root/root ./usr/share/man/man8/",
      "-rw-r--r-- root/root ./usr/share/man/man8/tsna-server.8.gz",
  };
  // The dissector, in Wireshark's global Lua plugin folder of this architecture.
  const std::string lib =
      "./usr/lib/" + lines_of(run_shell("dpkg-architecture -qDEB_HOST_MULTIARCH").output)[0] + "/";
  for (const std::string& dir : std::vector<std::string>{"./usr/lib/", lib, lib + "wireshark/",
                                                         lib + "wireshark/plugins/"}) {
    expected.push_back("drwxr-xr-x root/root " + dir);
  }
  expected.push_back("-rw-r--r-- root/root " + lib + "wireshark/plugins/tsna.lua");
  const CommandResult listing = run_shell("dpkg-deb -c " + deb());
  ASSERT_EQ(listing.status, 0);
  std::set<std::string> got;
  for (const std::string& line : lines_of(listing.output)) {
    std::istringstream words(line);
    std::string mode, owner, size, date, time, path;
    words >> mode >> owner >> size >> date >> time >> path;
    got.insert(mode + " " + owner + " " + path);
  }
  EXPECT_EQ(got, std::set<std::string>(expected.begin(), expected.end()));
}

TEST(DebianPackage, ControlFieldsAreTheseExactly) {
  const std::string arch = lines_of(run_shell("dpkg --print-architecture").output)[0];
  const CommandResult fields =
      run_shell("dpkg-deb -f " + deb() +
                " Package Version Architecture Maintainer Section Priority Depends Description");
  ASSERT_EQ(fields.status, 0);
  EXPECT_EQ(
      fields.output,
      std::string("Package: tsna\n") + "Version: " + TSNA_PROJECT_VERSION + "-" +
          TSNA_PACKAGE_RELEASE + "\n" + "Architecture: " + arch + "\n" +
          "Maintainer: TSNA maintainers <maintainers@tsna.invalid>\n"
          "Section: net\n"
          "Priority: optional\n"
          "Depends: libc6 (>= 2.34), libedit2 (>= 3.1-20140620-0), libgcc-s1 (>= 3.0), "
          "libgsasl18 (>= 1.9.2), libpq5 (>= 14~~), libsqlite3-0 (>= 3.20.0), libssl3 (>= 3.0.0), "
          "libstdc++6 (>= 12)\n"
          "Description: Telnet-like remote command service with an NTLM-style login\n"
          " TSNA is a small TCP service: users register, log in without sending their\n"
          " password, and run commands on the server. One port speaks two dialects: the\n"
          " classic one of the student project it grew out of, byte for byte, and TSNA/2,\n"
          " with line framing, pipelining and a SCRAM-SHA-256 login, bound to TLS.\n"
          " .\n"
          " This package holds the server, tsna-server (SQLite store, audit log, limits,\n"
          " TLS, a hardened systemd service with a configuration file in /etc/tsna), the\n"
          " interactive and scriptable client tsna, and the load generator tsna-bench.\n");
}

TEST(DebianPackage, DefaultConfigurationIsTheOnlyConffile) {
  const CommandResult conffiles = run_shell("dpkg-deb -I " + deb() + " conffiles");
  ASSERT_EQ(conffiles.status, 0);
  EXPECT_EQ(conffiles.output, "/etc/tsna/tsna-server.conf\n");
}

// The tag of a lintian line: "W: tsna: TAG [where]" gives TAG.
std::string tag_of(const std::string& line) {
  const std::size_t start = line.find(": ", 3) + 2;
  return line.substr(start, line.find(' ', start) - start);
}

TEST(DebianPackage, LintianFindsNoErrorAndOnlyTheWarningsTheDocsJustify) {
  const CommandResult lintian =
      run_shell("lintian --pedantic --display-info " + deb() + " 2>/dev/null");
  std::vector<std::string> errors;
  std::vector<std::string> warnings;  // W: and P: (pedantic)
  std::set<std::string> infos;
  for (const std::string& line : lines_of(lintian.output)) {
    if (line.rfind("E: ", 0) == 0) {
      errors.push_back(line);
    } else if (line.rfind("W: ", 0) == 0 || line.rfind("P: ", 0) == 0) {
      warnings.push_back(line);
    } else if (line.rfind("I: ", 0) == 0) {
      infos.insert(tag_of(line));
    }
  }
  EXPECT_EQ(errors, std::vector<std::string>{}) << lintian.output;
  // Each kept tag is explained in docs/OPERATIONS.md, "lintian". The spelling tag comes and
  // goes with the machine code (lintian reads "user" loaded as an immediate as a word).
  EXPECT_EQ(
      warnings,
      std::vector<std::string>{
          "W: tsna: initial-upload-closes-no-bugs [usr/share/doc/tsna/changelog.Debian.gz:1]"})
      << lintian.output;
  const std::set<std::string> allowed_infos = {
      "package-supports-alternative-init-but-no-init.d-script", "spelling-error-in-binary"};
  for (const std::string& tag : infos) {
    EXPECT_TRUE(allowed_infos.contains(tag)) << "I: " << tag << " is new: fix it or justify it";
  }
  const std::string operations = read_text(source_path("docs/OPERATIONS.md"));
  std::set<std::string> kept = allowed_infos;
  kept.insert("initial-upload-closes-no-bugs");
  for (const std::string& tag : kept) {
    EXPECT_NE(operations.find("`" + tag), std::string::npos) << tag << " is not in the docs";
  }
}

TEST_F(ExtractedPackage, ProgramsAreStrippedOfSymbolsDebugInfoAndComments) {
  for (const std::string program : {"tsna", "tsna-server", "tsna-bench"}) {
    const std::string path = shell_quote((root() / "usr/bin" / program).string());
    const CommandResult sections = run_shell("readelf -S -W " + path);
    ASSERT_EQ(sections.status, 0) << program;
    for (const std::string section : {" .symtab ", " .debug_info ", " .comment ", " .note "}) {
      EXPECT_EQ(sections.output.find(section), std::string::npos) << program << section;
    }
    EXPECT_EQ(run_shell(path + " --version").output, program + " " + TSNA_PROJECT_VERSION + "\n");
  }
}

TEST_F(ExtractedPackage, ManPagesChangelogAndConfigurationAreTheCommittedOnes) {
  const auto unzipped = [&](const std::string& relative) {
    return run_shell("gzip -dc " + shell_quote((root() / relative).string())).output;
  };
  EXPECT_EQ(unzipped("usr/share/man/man1/tsna.1.gz"), read_text(source_path("man/tsna.1")));
  EXPECT_EQ(unzipped("usr/share/man/man1/tsna-bench.1.gz"),
            read_text(source_path("man/tsna-bench.1")));
  EXPECT_EQ(unzipped("usr/share/man/man8/tsna-server.8.gz"),
            read_text(source_path("man/tsna-server.8")));
  const std::string changelog = unzipped("usr/share/doc/tsna/changelog.Debian.gz");
  EXPECT_EQ(changelog, read_text(source_path("packaging/changelog")));
  // A new version needs a new changelog entry.
  EXPECT_EQ(changelog.substr(0, changelog.find('\n')),
            std::string("tsna (") + TSNA_PROJECT_VERSION + "-" + TSNA_PACKAGE_RELEASE +
                ") unstable; urgency=medium");
  EXPECT_EQ(read_text(root() / "etc/tsna/tsna-server.conf"),
            read_text(source_path("packaging/tsna-server.conf")));
  EXPECT_EQ(read_text(root() / "lib/systemd/system/tsna-server.service"),
            read_text(source_path("packaging/tsna-server.service")));
}

TEST_F(ExtractedPackage, DissectorIsTheCommittedOneWhereWiresharkLoadsLuaPluginsFrom) {
  // Debian's tshark names its global Lua plugin folder; the package puts tsna.lua there.
  const std::string folders = run_shell("tshark -G folders 2>/dev/null").output;
  const std::string label = "Global Lua Plugins:";
  const std::size_t at = folders.find(label);
  ASSERT_NE(at, std::string::npos) << folders;
  std::string dir = folders.substr(at + label.size());
  dir = dir.substr(0, dir.find('\n'));
  dir.erase(0, dir.find_first_not_of(" \t"));
  ASSERT_TRUE(dir.starts_with("/")) << dir;
  EXPECT_EQ(read_text(root() / dir.substr(1) / "tsna.lua"),
            read_text(source_path("contrib/wireshark/tsna.lua")));
}

TEST_F(ExtractedPackage, SystemdAnalyzeVerifiesTheUnitAgainstThePackagedFiles) {
  // A root with the package, the host's own units (the targets the unit names) and the kill
  // that ExecReload runs; verify resolves every path of the unit inside it.
  const std::string r = shell_quote(root().string());
  ASSERT_EQ(run_shell("mkdir -p " + r + "/bin && cp /bin/kill " + r + "/bin/kill && cp -rn " +
                      "/lib/systemd/system/. " + r + "/lib/systemd/system/")
                .status,
            0);
  const CommandResult verify = run_shell("systemd-analyze verify --man=no --root=" + r + " " + r +
                                         "/lib/systemd/system/tsna-server.service 2>&1");
  EXPECT_EQ(verify.status, 0);
  EXPECT_EQ(verify.output, "");
}

}  // namespace
}  // namespace tsna::testing
