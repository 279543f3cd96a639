// key_log.hpp - SSLKEYLOGFILE (SPEC 7): when that variable names a file, the client appends the
// secrets of every TLS session to it in the NSS key log format, so that Wireshark can decrypt a
// capture. A debugging aid, off unless the variable is set; the file is as secret as a password.
#pragma once

#include <openssl/ssl.h>

namespace tsna::client {

// The variable the file name is read from.
inline constexpr const char* kKeyLogVariable = "SSLKEYLOGFILE";

// If $SSLKEYLOGFILE is set and not empty, makes sessions of `ctx` append their key lines to
// that file (opened once per process with O_APPEND, created with mode 0600). A file that cannot
// be opened is reported once on stderr and TLS goes on without a key log.
void enable_key_log(SSL_CTX* ctx);

}  // namespace tsna::client
