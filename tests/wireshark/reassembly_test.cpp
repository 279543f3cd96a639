// reassembly_test.cpp - the dissector on segments cut where a live loopback capture never cuts
// them: captures this test writes with text2pcap (fake TCP headers, sequence numbers that follow
// on), so that TSNA/2 lines split across segments or sharing one, a multi-line reply cut in a
// line, and a classic challenge and answer in pieces are each reassembled exactly.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <utility>

#include "support/shell_command.hpp"
#include "support/temp_dir.hpp"
#include "wireshark/wireshark_tools.hpp"

namespace tsna::testing {
namespace {

using Fields = std::map<std::string, std::vector<std::string>>;
using Strings = std::vector<std::string>;

// A segment from the server (true) or the client, and its payload.
using Segment = std::pair<bool, std::string>;

class Reassembly : public ::testing::Test {
 protected:
  // Writes `segments` as one TCP conversation, client 127.0.0.2:40000, server 127.0.0.1:6016.
  std::filesystem::path capture(const std::vector<Segment>& segments) {
    const std::filesystem::path text = dir_.path() / "segments.txt";
    const std::filesystem::path file = dir_.path() / "segments.pcapng";
    std::ofstream out(text);
    for (const auto& [from_server, payload] : segments) {
      // text2pcap -D: "O" goes from the first -T port, "I" to it.
      out << (from_server ? "O\n" : "I\n");
      for (std::size_t i = 0; i < payload.size(); ++i) {
        char byte[8];
        std::snprintf(byte, sizeof byte, "%s%02x", i % 16 == 0 ? "" : " ",
                      static_cast<unsigned char>(payload[i]));
        if (i % 16 == 0) {
          char offset[32];
          std::snprintf(offset, sizeof offset, "%06zx  ", i);
          out << offset;
        }
        out << byte << (i % 16 == 15 || i + 1 == payload.size() ? "\n" : "");
      }
    }
    out.close();
    const CommandResult r =
        run_shell(TSNA_TEXT2PCAP_BIN " -q -D -T 6016,40000 -4 127.0.0.1,127.0.0.2 -n " +
                  shell_quote(text.string()) + " " + shell_quote(file.string()) + " 2>&1");
    if (r.status != 0) {
      throw std::runtime_error("text2pcap failed: " + r.output);
    }
    return file;
  }

  TempDir dir_;
};

TEST_F(Reassembly, Tsna2LinesAreJoinedAcrossSegmentsAndSplitWithinOne) {
  const auto file = capture({{true, "success"},
                             {false, "hello TSNA/2\n"},
                             {true, "200:TSNA/2\n"},
                             {false, "sum 1 "},
                             {false, "2\r\nls\nmul"},
                             {false, "tiply 2 3\n"},
                             {true, "200:3.0\n200-Available commends: \n200-\t?\n20"},
                             {true, "0:\tregister {name} {password}\n200:6.0\n"}});
  const Fields f = tshark_fields(
      file, {}, "tsna",
      {"frame.number", "tsna.request", "tsna.command", "tsna.code", "tsna.more", "tsna.text"});
  // Frame 4 holds only the start of a line: TCP keeps it for the next segment and it shows no
  // TSNA; frames 5 and 7 end in a line whose rest comes with the next segment.
  EXPECT_EQ(f.at("frame.number"), (Strings{"1", "2", "3", "5", "6", "7", "8"}));
  EXPECT_EQ(f.at("tsna.request"), (Strings{"sum 1 2", "ls", "multiply 2 3"}));
  EXPECT_EQ(f.at("tsna.command"), (Strings{"sum", "ls", "multiply"}));
  EXPECT_EQ(f.at("tsna.code"), (Strings{"200", "200", "200", "200", "200", "200"}));
  EXPECT_EQ(f.at("tsna.text"), (Strings{"TSNA/2", "3.0", "Available commends: ", "\\t?",
                                        "\\tregister {name} {password}", "6.0"}));
  EXPECT_EQ(f.at("tsna.more"), (Strings{"0", "0", "1", "1", "0", "0"}));
}

TEST_F(Reassembly, ClassicChallengeAndAnswerAreReassembledToTheirExactSizes) {
  const std::string challenge = "\x9c\x0c\x24\xa6\xca\xaf\x4c\x59";
  std::string answer;
  for (int i = 0; i < 32; ++i) {
    answer.push_back(static_cast<char>(0xa0 + i));
  }
  const auto file = capture({{true, "success"},
                             {false, "login bob 910f4aff69c6c642b3756489bb81a945"},
                             {true, challenge.substr(0, 3)},
                             {true, challenge.substr(3)},
                             {false, answer.substr(0, 20)},
                             {false, answer.substr(20)},
                             {true, "200:login is successful"},
                             {false, "sum 1 2"},
                             {true, "200:3.0"}});
  const Fields f =
      tshark_fields(file, {}, "tsna",
                    {"frame.number", "tsna.command", "tsna.challenge", "tsna.answer", "tsna.text"});
  EXPECT_EQ(f.at("frame.number"), (Strings{"1", "2", "4", "6", "7", "8", "9"}));
  EXPECT_EQ(f.at("tsna.command"), (Strings{"login", "sum"}));
  EXPECT_EQ(f.at("tsna.challenge"), Strings{"9c0c24a6caaf4c59"});
  EXPECT_EQ(f.at("tsna.answer"),
            Strings{"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"});
  EXPECT_EQ(f.at("tsna.text"), (Strings{"login is successful", "3.0"}));
}

TEST_F(Reassembly, ARefusedLoginGetsNoChallengeAndARefusedUpgradeStaysClassic) {
  const auto file =
      capture({{true, "success"},
               {false, "hello TSNA/3\n"},
               {true, "400:Unsupported protocol version; this server speaks TSNA/2\n"},
               {false, "login bob 910f4aff69c6c642b3756489bb81a945"},
               {true, "400:Wrong password!"},
               {false, "ls"}});
  const Fields f =
      tshark_fields(file, {}, "tsna", {"tsna.command", "tsna.code", "tsna.text", "tsna.challenge"});
  EXPECT_EQ(f.at("tsna.command"), (Strings{"hello", "login", "ls"}));
  EXPECT_EQ(f.at("tsna.code"), (Strings{"400", "400"}));
  EXPECT_EQ(f.at("tsna.text"), (Strings{"Unsupported protocol version; this server speaks TSNA/2",
                                        "Wrong password!"}));
  EXPECT_FALSE(f.contains("tsna.challenge"));
}

}  // namespace
}  // namespace tsna::testing
