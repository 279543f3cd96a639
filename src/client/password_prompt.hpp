// password_prompt.hpp - asks for a password at the terminal with echo off (SPEC 5.3), on
// /dev/tty (or stdin when there is none), restoring the terminal however the prompt ends.
// Knows nothing of sessions or hashes.
#pragma once

#include <string_view>

#include "client/secret.hpp"

namespace tsna::client {

enum class PromptStatus {
  kOk,           // `password` holds what was typed (without the line end)
  kEof,          // Ctrl-D on an empty line: nothing typed
  kInterrupted,  // a stop signal (Ctrl-C) arrived
  kNoTerminal,   // neither /dev/tty nor stdin is a terminal
};

PromptStatus read_password(std::string_view prompt, Secret& password);

enum class ConfirmStatus {
  kOk,
  kMismatch,  // the two differ: "Passwords do not match", nothing is sent
  kEof,
  kInterrupted,
  kNoTerminal,
};

// Asks for a new password twice ("Password: ", "Repeat password: ").
ConfirmStatus read_new_password(Secret& password);

}  // namespace tsna::client
