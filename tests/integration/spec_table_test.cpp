// spec_table_test.cpp - every row of SPEC 2.1's table over real sockets, in both dialects: the
// classic reply bytes, and the same text framed as TSNA/2 lines (FTP-style when multi-line).
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "protocol/reply.hpp"

namespace tsna::testing {
namespace {

struct Row {
  bool logged_in;
  std::string request;
  std::string reply;  // "<code>:<text>" as the classic dialect sends it
};

const std::string kH = std::string(kHash123);

std::vector<Row> rows() {
  const std::string help_out =
      "200:Available commends: \n\t?\n\thelp\n\texit\n\tlogin {name} {password}\n\tregister "
      "{name} {password}";
  const std::string help_in =
      "200:Available commands: \n\t?\n\thelp\n\texit\n\tlogout\n\tchangepwd {newpassword}\n\tsum "
      "[a] [b] ...\n\tsub [a] [b]\n\tmultiply [a] [b] ...\n\tdivide [a] [b]";
  return {
      {false, "?", help_out},
      {false, "help", help_out},
      {false, "ls", help_out},
      {true, "?", help_in},
      {true, "help", help_in},
      {true, "ls", help_in},
      {true, "? x", "400:What are you doing?"},
      {true, "help x", "400:What are you doing?"},
      {true, "ls x", "400:What are you doing?"},
      {true, "logout x", "400:What are you doing?"},
      {true, "exit 1 DROP TABLE ALL", "400:What are you doing?"},
      {false, "logout", "400:Invalid command"},
      {false, "changepwd " + kH, "400:Invalid command"},
      {false, "sum 1 2", "400:Invalid command"},
      {false, "exit now", "400:Invalid command"},
      {false, "bogus", "400:Invalid command"},
      {true, "bogus", "400:Invalid command! Please use help to show commands!"},
      {false, "register alice " + kH, "200:Your Registered Username is alice"},
      {false, "register bob " + kH, "400:Username is already in users!"},
      {false, "register", "400:Please re-enter the command with username and password"},
      {false, "register alice", "400:Please re-enter the command with username and password"},
      {false, "register a b c", "400:Username or password shouldn't include spaces"},
      {true, "register carol " + kH, "400:The register command can only be done when not logging!"},
      {false, "register bad:name " + kH, "400:Invalid username"},
      {false, "register carol 123456", "400:Invalid password hash"},
      {true, "login bob",
       "400:You have logged in bob, please logout before you want to change to other user"},
      {true, "changepwd", "400:Invalid password, please don't contain blank on password"},
      {true, "changepwd a b", "400:Invalid password, please don't contain blank on password"},
      {true, "changepwd " + std::string(kHash123456),
       "400:Same password, please don't take same password!"},
      {true, "changepwd 12", "400:Invalid password hash"},
      {true, "sum 1 2 3 4 5", "200:15.0"},
      {true, "sum 0.2 0.1", "200:0.30000000000000004"},
      {true, "multiply 2 3", "200:6.0"},
      {true, "multiply 223.4 5.3", "200:1184.02"},
      {true, "sub 3 5", "200:-2.0"},
      {true, "subtract 23 45", "200:-22.0"},
      {true, "sub 1", "400:Please enter Valid number! subtract $(number1) $(number2) "},
      {true, "subtract 1 2 3", "400:Please enter Valid number! subtract $(number1) $(number2) "},
      {true, "divide 7 2", "200:3.5"},
      {true, "divide 1 2 3", "400:Please enter Valid number! divide $(number1) $(number2) "},
      {true, "divide 1 0", "400:The dividend cannot be zero!"},
      {true, "sum", "400:lack of number!"},
      {true, "multiply", "400:lack of number!"},
      {true, "sub", "400:lack of number!"},
      {true, "subtract", "400:lack of number!"},
      {true, "divide", "400:lack of number!"},
      {true, "sum 1 x", "400:Please enter Valid number!"},
      {true, "sum nan", "400:Please enter Valid number!"},
      {true, "sum inf", "400:Please enter Valid number!"},
      {true, "multiply 1e308 10", "400:Result is out of range!"},
      {true, "logout", "200:Logout from current user: bob"},
  };
}

std::string as_tsna2(std::string_view classic) {
  std::string out;
  const Code code = classic.substr(0, 3) == "200" ? Code::kOk : Code::kFail;
  append_reply(out, Dialect::kTsna2, code, classic.substr(4));
  return out;
}

class SpecTable : public ServerTest, public ::testing::WithParamInterface<Dialect> {
 protected:
  void SetUp() override {
    start();
    auto c = tsna2();
    ASSERT_EQ(c->tsna2_register("bob", kHash123456), "200:Your Registered Username is bob\n");
  }
};

TEST_P(SpecTable, EveryRowGivesItsReply) {
  const Dialect dialect = GetParam();
  for (const Row& row : rows()) {
    // A fresh connection per row, logged in when the row needs it, so rows stay independent.
    std::unique_ptr<TestClient> c;
    if (dialect == Dialect::kClassic) {
      c = classic();
      if (row.logged_in) {
        ASSERT_EQ(classic_login(*c, "bob", kHash123456), "200:login is successful");
      }
      expect_classic(*c, row.request, row.reply);
    } else {
      c = tsna2();
      if (row.logged_in) {
        ASSERT_EQ(c->tsna2_login("bob", kHash123456), "200:login is successful\n");
      }
      c->send(row.request + "\n");
      EXPECT_EQ(c->read_reply(), as_tsna2(row.reply)) << row.request;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(BothDialects, SpecTable,
                         ::testing::Values(Dialect::kClassic, Dialect::kTsna2),
                         [](const auto& info) {
                           return info.param == Dialect::kClassic ? "Classic" : "Tsna2";
                         });

}  // namespace
}  // namespace tsna::testing
