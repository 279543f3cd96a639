// login.hpp - the client half of both logins (SPEC 1.1, 1.2). Classic: `login NAME HASH`, the 8
// raw challenge bytes, the 32 raw HMAC bytes. TSNA/2: `login NAME`, `300:<challenge>`, then
// `<nonce> <MAC>`: the hash never leaves the client. No terminal I/O.
#pragma once

#include <functional>
#include <string_view>

#include "client/connection.hpp"
#include "client/secret.hpp"
#include "common/random_source.hpp"

namespace tsna::client {

// Logs in as `user` with the password hash `hash` in the connection's dialect. `on_challenge`
// runs when the server's challenge arrives (the seed printed "Server challenge"). `reply` is the
// server's last reply: `200:login is successful`, or the refusal (a refusal before any
// challenge, such as throttling, comes without one). The nonce comes from `random`.
IoResult log_in(Connection& connection, std::string_view user, const Secret& hash,
                RandomSource& random, const std::function<void()>& on_challenge, Reply& reply);

}  // namespace tsna::client
