// tls_connection.hpp - serves one TLS connection (SPEC 4.5): handshake, the RFC 9266 channel
// binding for TSNA/2 logins, then the same Session loop as plain connections, as a coroutine.
// Runs on its worker's event loop only.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ssl/context.hpp>
#include <memory>

#include "server/connection.hpp"

namespace tsna {

// `tls` is the context current when the connection was accepted; the connection holds it to
// the end, whatever a reload swaps in meanwhile.
asio::awaitable<void> serve_tls_connection(LoopSocket socket, WorkerState& worker,
                                           const ConnectionServices& services,
                                           std::shared_ptr<asio::ssl::context> tls);

}  // namespace tsna
