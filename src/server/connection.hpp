// connection.hpp - the per-connection coroutine: owns the socket, moves bytes between it and a
// Session, and hands store writes to the StoreExecutor. Runs on its worker's event loop only.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <atomic>
#include <string>
#include <vector>

#include "server/store_executor.hpp"
#include "session/session.hpp"

namespace tsna {

// A connection as its worker's deadline sweep and shutdown see it. Lives in the coroutine
// frame; linked into its worker's list while the coroutine runs.
struct LiveConnection {
  asio::ip::tcp::socket* socket = nullptr;
  Session* session = nullptr;
  bool waiting = false;       // parked in a socket wait or write that a cancel may end
  bool deadline_hit = false;  // the sweep cancelled the wait because deadline() passed
  LiveConnection* prev = nullptr;
  LiveConnection* next = nullptr;
};

// One event loop's connections: an intrusive list, so tracking costs no allocation.
class ConnectionList {
 public:
  void push_back(LiveConnection* c);
  void remove(LiveConnection* c);
  template <typename F>
  void for_each(F&& f) {
    for (LiveConnection* c = head_; c != nullptr;) {
      LiveConnection* next = c->next;
      f(*c);
      c = next;
    }
  }
  std::size_t size() const { return size_; }

 private:
  LiveConnection* head_ = nullptr;
  LiveConnection* tail_ = nullptr;
  std::size_t size_ = 0;
};

// What one event loop owns. Touched only from that loop's thread (the counter excepted).
struct WorkerState {
  ConnectionList connections;
  std::vector<char> read_buffer;  // shared by all of the loop's connections: reads are
                                  // processed before the next one starts
  bool stopping = false;
};

struct ConnectionServices {
  const SessionContext* session_context = nullptr;
  StoreExecutor* store = nullptr;
  std::atomic<std::size_t>* open_connections = nullptr;  // decremented when the coroutine ends
};

// Serves one accepted connection until it ends. With `tls` set, the connection first completes
// a TLS handshake and its TSNA/2 logins are bound to the channel (SPEC 4.5).
asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, WorkerState& worker,
                                       ConnectionServices services,
                                       asio::ssl::context* tls = nullptr);

// "ip:port", or "[ip6]:port".
std::string format_peer(const asio::ip::tcp::endpoint& endpoint);

}  // namespace tsna
