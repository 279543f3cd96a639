// messages.hpp - every reply text of SPEC 2, byte for byte as the seed sends them (typos
// "commends" and trailing spaces included). Pure data; depends on nothing.
#pragma once

#include <string_view>

namespace tsna::msg {

// Help lists (SPEC 2.1). Sent as one classic reply, or FTP-style lines in TSNA/2.
inline constexpr std::string_view kHelpLoggedOut =
    "Available commends: \n\t?\n\thelp\n\texit\n\tlogin {name} {password}\n\tregister {name} "
    "{password}";
inline constexpr std::string_view kHelpLoggedIn =
    "Available commands: \n\t?\n\thelp\n\texit\n\tlogout\n\tchangepwd {newpassword}\n\tsum [a] "
    "[b] ...\n\tsub [a] [b]\n\tmultiply [a] [b] ...\n\tdivide [a] [b]";

inline constexpr std::string_view kInvalidLoggedOut = "Invalid command";
inline constexpr std::string_view kInvalidLoggedIn =
    "Invalid command! Please use help to show commands!";
inline constexpr std::string_view kWhatAreYouDoing = "What are you doing?";
inline constexpr std::string_view kDisconnected = "disconnected";

// register
inline constexpr std::string_view kRegisteredPrefix = "Your Registered Username is ";
inline constexpr std::string_view kUserExists = "Username is already in users!";
inline constexpr std::string_view kRegisterTooFew =
    "Please re-enter the command with username and password";
inline constexpr std::string_view kRegisterTooMany =
    "Username or password shouldn't include spaces";
inline constexpr std::string_view kRegisterWhileLoggedIn =
    "The register command can only be done when not logging!";

// login
inline constexpr std::string_view kLoginTooFewClassic =
    "Please re-enter the login command with your username and password";
inline constexpr std::string_view kLoginTooManyClassic = "Password shouldn't include spaces";
// Not in the seed: TSNA/2 logs in with SCRAM (auth), not with the seed's login command.
inline constexpr std::string_view kLoginRetiredTsna2 =
    "TSNA/2 logs in with auth SCRAM-SHA-256; please update your client";
inline constexpr std::string_view kLoggedInPrefix = "You have logged in ";
inline constexpr std::string_view kLoggedInSuffix =
    ", please logout before you want to change to other user";
inline constexpr std::string_view kNoSuchUser = "The user does not exist!";
inline constexpr std::string_view kWrongPassword = "Wrong password!";
inline constexpr std::string_view kLoginOk = "login is successful";
inline constexpr std::string_view kAuthFailed = "Authentication Failed!";
inline constexpr std::string_view kTooManyFailuresPrefix = "Too many failed logins, try again in ";
inline constexpr std::string_view kClassicLoginDisabled =
    "Classic login is disabled on this server; use a TSNA/2 client";

// logout, changepwd
inline constexpr std::string_view kLogoutPrefix = "Logout from current user: ";
inline constexpr std::string_view kPasswordChanged = "Successfully changed password";
inline constexpr std::string_view kPasswordBlank =
    "Invalid password, please don't contain blank on password";
inline constexpr std::string_view kSamePassword = "Same password, please don't take same password!";

// Names and hashes (SPEC 2.2)
inline constexpr std::string_view kInvalidUsername = "Invalid username";
inline constexpr std::string_view kInvalidHash = "Invalid password hash";

// Calculator (SPEC 2.1, 2.3)
inline constexpr std::string_view kLackOfNumber = "lack of number!";
inline constexpr std::string_view kInvalidNumber = "Please enter Valid number!";
inline constexpr std::string_view kSubtractUsage =
    "Please enter Valid number! subtract $(number1) $(number2) ";
inline constexpr std::string_view kDivideUsage =
    "Please enter Valid number! divide $(number1) $(number2) ";
inline constexpr std::string_view kDivideByZero = "The dividend cannot be zero!";
inline constexpr std::string_view kOutOfRange = "Result is out of range!";

// Protocol (SPEC 1); the greeting and the upgrade are protocol/handshake.hpp's
inline constexpr std::string_view kTooLong = "Message too long";
inline constexpr std::string_view kUnsupportedVersion =
    "Unsupported protocol version; this server speaks TSNA/2";
inline constexpr std::string_view kTooManyConnections = "Too many connections";
// Not in the seed: the store could not commit (disk full, I/O error); nothing changed.
inline constexpr std::string_view kStoreFailed = "Server storage error, nothing was changed";
// Not in the seed: the work could not be taken on (the store's queue is full, or a shared store
// is unreachable); nothing was tried, so the client may simply try again.
inline constexpr std::string_view kServiceUnavailable = "Service unavailable, try again later";

}  // namespace tsna::msg
