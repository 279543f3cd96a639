// connection.hpp - what an event loop keeps per connection, and how a connection is served:
// plain TCP by a small object driven by its loop's own epoll set (plain_loop.hpp; an idle one
// costs well under a kilobyte), TLS by a coroutine (tls_connection.hpp). Both move bytes between
// the socket and a Session and hand store writes to the StoreExecutor. Runs on its worker's
// event loop only.
#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "metrics/registry.hpp"
#include "server/loop_lookup.hpp"
#include "server/plain_loop.hpp"
#include "server/proxy_intake.hpp"
#include "server/store_executor.hpp"
#include "session/session.hpp"

namespace tsna {

// A socket bound to its loop's io_context (no type-erased executor: smaller, no indirection).
using LoopSocket = asio::basic_stream_socket<asio::ip::tcp, asio::io_context::executor_type>;

// A connection as its worker's deadline sweep and shutdown see it; linked into its worker's
// list while the connection lives.
struct LiveConnection {
  // Ends the wait the connection is parked in (`waiting`): the sweep calls it once deadline()
  // has passed (with deadline_hit set), stop() calls it to close. It may run the connection's
  // handler at once (plain) or later (TLS: it cancels the socket), and may end the connection.
  void (*interrupt)(void* target) = nullptr;
  void* target = nullptr;
  Session* session = nullptr;
  bool waiting = false;       // parked in a socket wait or write that interrupt() may end
  bool deadline_hit = false;  // the sweep interrupted the wait because deadline() passed
  // Set while a PROXY header is awaited (proxy_intake.hpp): its time limit, not the session's.
  std::optional<SteadyTime> header_deadline;
  LiveConnection* prev = nullptr;
  LiveConnection* next = nullptr;

  SteadyTime deadline() const { return header_deadline ? *header_deadline : session->deadline(); }
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

// What one event loop owns. Touched only from that loop's thread.
struct WorkerState {
  explicit WorkerState(asio::io_context& loop_io) : io(loop_io), plain(loop_io) {}

  asio::io_context& io;
  PlainLoop plain;  // the plain connections' sockets
  ConnectionList connections;
  std::size_t plain_connections = 0;
  std::vector<char> read_buffer;  // shared by the loop's plain connections: each read is
                                  // processed before the next one starts
  bool stopping = false;
  // With a shared store: the loop's own connection for login lookups; else null.
  LoopLookup* lookup = nullptr;

  // The worker stops: no more plain connections will come. Once none is left, the plain loop
  // stops pumping (so the worker's Asio loop can run out of work).
  void begin_stopping();
};

struct ConnectionServices {
  const SessionContext* session_context = nullptr;
  StoreExecutor* store = nullptr;
  std::atomic<std::size_t>* open_connections = nullptr;  // decremented when the connection ends
  metrics::Registry* metrics = nullptr;                  // counts it closed, when set

  // A connection admitted by the acceptor has ended (or could not start). Call once for each.
  void connection_ended(metrics::PortKind kind) const {
    open_connections->fetch_sub(1, std::memory_order_relaxed);
    if (metrics != nullptr) {
      metrics->local().connections_closed[static_cast<std::size_t>(kind)].add();
    }
  }
  const ProxyPolicy* proxy = nullptr;  // --proxy-protocol-from
};

// Serves one accepted plain connection (a non-blocking socket this call takes over; `peer` as
// format_peer() writes it) until it ends; returns at once (event driven). With `proxy_header`
// (the peer is in --proxy-protocol-from) the connection must start with a PROXY header, whose
// source then replaces `peer`. Call on `worker`'s thread.
void serve_plain_connection(int fd, std::string_view peer, bool proxy_header, WorkerState& worker,
                            const ConnectionServices& services);

// "ip:port", or "[ip6]:port".
std::string format_peer(const asio::ip::tcp::endpoint& endpoint);

// Logs what ended a connection abnormally (an exception out of the session layer).
void log_connection_error(const char* what);

}  // namespace tsna
