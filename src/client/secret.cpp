// secret.cpp - wiping with OPENSSL_cleanse (not optimised away as a plain memset may be).
#include "client/secret.hpp"

#include <openssl/crypto.h>

#include "auth/ntlm.hpp"

namespace tsna::client {

void wipe(std::string& s) {
  // The whole capacity: shrinking a string leaves old bytes behind its end.
  s.resize(s.capacity());
  if (!s.empty()) {
    OPENSSL_cleanse(s.data(), s.size());
  }
  s.clear();
}

Secret::~Secret() {
  wipe(value_);
}

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) {
  wipe(other.value_);
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe(value_);
    value_ = std::move(other.value_);
    wipe(other.value_);
  }
  return *this;
}

void Secret::clear() {
  wipe(value_);
}

Secret hash_password(const Secret& password) {
  return Secret(auth::ntlm_hash(password.view()));
}

}  // namespace tsna::client
