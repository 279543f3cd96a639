// tls_connection.hpp - serves one TLS connection (SPEC 4.5): handshake, the RFC 9266 channel
// binding for TSNA/2 logins, then the same Session loop as plain connections, as a coroutine.
// Runs on its worker's event loop only.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ssl/context.hpp>

#include "server/connection.hpp"

namespace tsna {

asio::awaitable<void> serve_tls_connection(LoopSocket socket, WorkerState& worker,
                                           const ConnectionServices& services,
                                           asio::ssl::context& tls);

}  // namespace tsna
