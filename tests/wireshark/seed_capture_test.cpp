// seed_capture_test.cpp - the dissector on the seed's own capture (tests/data/seed/): a classic
// conversation on port 6016 that began before the capture (no greeting), which Wireshark alone
// shows as "X11" or bare TCP. Every payload frame shows TSNA, with the exact commands, codes,
// challenge and answer, and tshark reports no Lua error.
#include <gtest/gtest.h>

#include "support/temp_dir.hpp"
#include "wireshark/wireshark_tools.hpp"

namespace tsna::testing {
namespace {

const std::filesystem::path kSeedCapture =
    std::filesystem::path(TSNA_SEED_DIR) / "Wireshark_pack.pcapng";

using Fields = std::map<std::string, std::vector<std::string>>;

TEST(SeedCaptureDissection, ShowsEveryFrameOfTheClassicConversationAsTsna) {
  const Fields f = tshark_fields(kSeedCapture, {"-d", "tcp.port==6016,tsna"},
                                 "tcp.port == 6016 && tcp.len > 0", {"frame.number", "tsna"});
  EXPECT_EQ(f.at("frame.number"),
            (std::vector<std::string>{"394", "396", "529", "531", "533", "535"}));
  // "tsna" is the protocol item: one per dissected frame.
  EXPECT_EQ(f.at("tsna").size(), 6u);
}

TEST(SeedCaptureDissection, DecodesCommandsCodesChallengeAndAnswer) {
  const Fields f = tshark_fields(
      kSeedCapture, {"-d", "tcp.port==6016,tsna"}, "tsna",
      {"tsna.command", "tsna.argument", "tsna.code", "tsna.text", "tsna.challenge", "tsna.answer"});
  EXPECT_EQ(f.at("tsna.command"), (std::vector<std::string>{"ls", "login"}));
  EXPECT_EQ(f.at("tsna.argument"),
            (std::vector<std::string>{"HaibinLai", "910f4aff69c6c642b3756489bb81a945"}));
  EXPECT_EQ(f.at("tsna.code"), (std::vector<std::string>{"200", "200"}));
  EXPECT_EQ(f.at("tsna.text"),
            (std::vector<std::string>{"Available commends: \\n\\t?\\n\\thelp\\n\\texit\\n\\tlogin "
                                      "{name} {password}\\n\\tregister {name} {password}",
                                      "login is successful"}));
  EXPECT_EQ(f.at("tsna.challenge"), (std::vector<std::string>{"9c0c24a6caaf4c59"}));
  EXPECT_EQ(f.at("tsna.answer"),
            (std::vector<std::string>{
                "7ab4afb2b40aebf9133f29a1105c7a581249ee1616a051f84aa7d7b26cc3f219"}));
}

TEST(SeedCaptureDissection, PutsTheChallengeInFrame531AndTheAnswerInFrame533) {
  const Fields f = tshark_fields(kSeedCapture, {}, "tsna.challenge || tsna.answer",
                                 {"frame.number", "_ws.col.Info"});
  EXPECT_EQ(f.at("frame.number"), (std::vector<std::string>{"531", "533"}));
  EXPECT_EQ(f.at("_ws.col.Info"),
            (std::vector<std::string>{
                "S: Challenge 9c0c24a6caaf4c59",
                "C: Answer 7ab4afb2b40aebf9133f29a1105c7a581249ee1616a051f84aa7d7b26cc3f219"}));
}

TEST(SeedCaptureDissection, WarnsOfTheHashInClearAndOfNothingElse) {
  const Fields f = tshark_fields(kSeedCapture, {},
                                 "tsna.hash_in_clear || tsna.bad_scram || tsna.upgrade_refused",
                                 {"frame.number", "tsna.command"});
  EXPECT_EQ(f.at("frame.number"), (std::vector<std::string>{"529"}));
  EXPECT_EQ(f.at("tsna.command"), (std::vector<std::string>{"login"}));
}

TEST(SeedCaptureDissection, ReadsTheSameInTwoPasses) {
  // tshark -2 dissects every frame again after the first pass, as the GUI does on a click.
  const Fields f = tshark_fields(kSeedCapture, {"-2"}, "tsna",
                                 {"frame.number", "tsna.challenge", "tsna.answer", "tsna.code"});
  EXPECT_EQ(f.at("frame.number"),
            (std::vector<std::string>{"394", "396", "529", "531", "533", "535"}));
  EXPECT_EQ(f.at("tsna.challenge"), (std::vector<std::string>{"9c0c24a6caaf4c59"}));
  EXPECT_EQ(f.at("tsna.answer").size(), 1u);
  EXPECT_EQ(f.at("tsna.code"), (std::vector<std::string>{"200", "200"}));
}

TEST(SeedCaptureDissection, LoadingTheDissectorTwiceIsNoError) {
  // As when the package's copy is in the plugin folder and -X lua_script: names another.
  const TempDir dir;
  const std::filesystem::path copy = dir.path() / "tsna-copy.lua";
  std::filesystem::copy_file(dissector_path(), copy);
  const Fields f = tshark_fields(kSeedCapture, {"-X", "lua_script:" + copy.string()},
                                 "tsna.challenge", {"tsna.challenge"});
  EXPECT_EQ(f.at("tsna.challenge"), (std::vector<std::string>{"9c0c24a6caaf4c59"}));
}

}  // namespace
}  // namespace tsna::testing
