// secret.hpp - a password or password hash held in memory only as long as needed and wiped
// (OPENSSL_cleanse) when dropped; and the one place a password becomes its hash (SPEC 3).
// Never printed, logged or put in history. The header does not include OpenSSL.
#pragma once

#include <string>
#include <string_view>

namespace tsna::client {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  ~Secret();
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;

  std::string_view view() const { return value_; }
  bool empty() const { return value_.empty(); }
  // Wipes the value and leaves the secret empty.
  void clear();
  // For readers that build the secret in place (a password typed at the terminal).
  std::string& buffer() { return value_; }

 private:
  std::string value_;
};

// ntlm_hash of the password (SPEC 3): what register, changepwd and the classic login send, the
// key of the classic challenge response, and the SCRAM password of the TSNA/2 login.
Secret hash_password(const Secret& password);

// Wipes any string that held a secret (a request line carrying a hash).
void wipe(std::string& s);

}  // namespace tsna::client
