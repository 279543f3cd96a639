// messages.hpp - every line the client itself prints (SPEC 5): the seed's texts, their English
// equivalents, and which of the two a locale gets. Pure data and functions; depends on nothing.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace tsna::client {

// The three texts that follow the locale (SPEC 5.1); every other line is the same in all locales.
struct LocaleTexts {
  std::string_view banner;
  std::string_view host_prompt;
  std::string_view goodbye;
};

inline constexpr LocaleTexts kEnglishTexts{
    "Welcome to the TSNA Telnet service",
    "Enter the host to log in to {IP:port} or {exit} to leave: ",
    "Goodbye",
};
// The seed's own wording, full-width colon included.
inline constexpr LocaleTexts kChineseTexts{
    "欢迎使用Telnet服务",
    "请输入要登录的主机{IP:port} or {exit} to leave：",
    "欢迎下次使用",
};

// Reads an environment variable; returns nullptr when it is unset (as std::getenv does).
using EnvLookup = std::function<const char*(const char*)>;

// True when the locale for messages is Chinese: the first set, non-empty one of LC_ALL,
// LC_MESSAGES and LANG (POSIX precedence) starts with "zh".
bool is_chinese_locale(const EnvLookup& env);
const LocaleTexts& texts_for_locale(const EnvLookup& env);

namespace msg {

// Host validation (SPEC 5.1 step 2), each followed by kTryAgain in the seed's flow. Two spaces
// after the colon: the seed's print(a, b) joined its two arguments with a space.
inline constexpr std::string_view kBadFormat =
    "Invalid IP and port format. Please use ip:port with ipv4 form:  ";
inline constexpr std::string_view kBadPort = "Invalid IP Port:  ";
inline constexpr std::string_view kBadIp = "Invalid IP";
inline constexpr std::string_view kAnyAddress =
    "Invalid IP for 0.0.0.0, it represent all network interfaces.";
inline constexpr std::string_view kConnectionFail = "Connection fail!";
inline constexpr std::string_view kTryAgain = "Please try again";

// Progress lines of the seed's client (SPEC 5.1 step 4); interactive sessions only.
inline constexpr std::string_view kRegistering = "registering";
inline constexpr std::string_view kLogining = "logining";
inline constexpr std::string_view kServerChallenge = "Server challenge";
inline constexpr std::string_view kChangepwding = "changepwding";

// Passwords (SPEC 5.3).
inline constexpr std::string_view kPasswordPrompt = "Password: ";
inline constexpr std::string_view kRepeatPrompt = "Repeat password: ";
inline constexpr std::string_view kPasswordsDiffer = "Passwords do not match";
inline constexpr std::string_view kPasswordCancelled = "Cancelled; nothing was sent";

// Not in the seed: how a session or the program ends when it is not the user's `exit`.
inline constexpr std::string_view kClosedByServer = "Connection closed by the server";
inline constexpr std::string_view kResetByServer = "Connection reset by the server";
inline constexpr std::string_view kLeftSession = "Left the session";
inline constexpr std::string_view kInterrupted = "Interrupted";
inline constexpr std::string_view kNoTsna2 =
    "The server does not speak TSNA/2 (is it the seed's server? then use --classic)";
inline constexpr std::string_view kTlsFailed = "TLS failed";

// A TSNA/2 login (SCRAM) whose server could not prove that it holds the user's verifier
// (SPEC 1.2): the session ends, the program exits 2. `display` is "<host>:<port>".
std::string unproven_server(std::string_view display);
// A name SASLprep refuses cannot travel in SCRAM's client-first.
inline constexpr std::string_view kNameRefusedBySaslprep =
    "This user name cannot log in with TSNA/2: SASLprep (RFC 4013) refuses it; nothing was "
    "sent (a name registered before TSNA/2 used SCRAM may still log in with --classic)";

}  // namespace msg
}  // namespace tsna::client
