// server.cpp - event loops, acceptor, deadline sweeps, admission and graceful stop (SPEC 4).
#include "server/server.hpp"

#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/ssl/context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "audit/file_audit_log.hpp"
#include "auth/login_throttle.hpp"
#include "auth/openssl_random.hpp"
#include "commands/messages.hpp"
#include "common/file_limit.hpp"
#include "common/version.hpp"
#include "metrics/exposition.hpp"
#include "metrics/registry.hpp"
#include "server/connection.hpp"
#include "server/embedded_store.hpp"
#include "server/metrics_http.hpp"
#include "server/store_executor.hpp"
#include "server/tls_connection.hpp"
#include "session/command_label.hpp"
#include "store/data_dir.hpp"
#include "store/postgres_connection.hpp"
#include "store/postgres_login_lookup.hpp"
#include "store/postgres_throttle.hpp"
#include "store/postgres_user_store.hpp"
#include "store/sqlite_user_store.hpp"

namespace tsna {
namespace {

using asio::ip::tcp;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);
// How often each loop checks its connections' deadlines; bounds how late a timeout fires.
constexpr auto kSweepInterval = std::chrono::milliseconds(200);
// Pause after a failed accept (EMFILE, ENFILE...) instead of spinning (STYLE 5.5).
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);
// Connections taken per wake-up of the listening socket, before the loop serves others.
constexpr int kAcceptsPerWake = 64;

struct Worker {
  asio::io_context io{1};
  WorkerState state{io};
  asio::steady_timer sweep{io};
  std::unique_ptr<LoopLookup> lookup;  // with a shared store (state.lookup points to it)
};

// Accepts one waiting connection, non-blocking and close-on-exec, with the peer's address.
// Returns -1 with errno set (EAGAIN when none is waiting).
int accept_one(tcp::acceptor& from, tcp::endpoint& remote) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  const int fd = ::accept4(from.native_handle(), reinterpret_cast<sockaddr*>(&addr), &len,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0) {
    std::memcpy(remote.data(), &addr, std::min<std::size_t>(len, remote.capacity()));
    remote.resize(std::min<std::size_t>(len, remote.capacity()));
  }
  return fd;
}

// errno values after which accepting goes on at once: the peer gave up, or a signal came.
bool accept_error_is_transient(int error) {
  return error == EINTR || error == ECONNABORTED || error == EPROTO || error == EPERM;
}

// The number of CPUs this process may run on (its affinity mask: what taskset, cgroups' cpusets
// or systemd's CPUAffinity= leave it), or the machine's when the mask cannot be read.
unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) {
    return static_cast<unsigned>(CPU_COUNT(&set));
  }
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

// Raises the open-file limit so that --max-connections sockets fit (SPEC 4.1); warns if not.
void raise_file_limit_for(std::size_t max_connections) {
  const std::optional<FileLimit> limit = raise_file_limit(max_connections);
  if (limit && !limit->enough()) {
    std::fprintf(stderr,
                 "tsna-server: warning: open-file limit %llu is below --max-connections %zu\n",
                 static_cast<unsigned long long>(limit->current), max_connections);
  }
}

void listen_on(tcp::acceptor& acceptor, const tcp::endpoint& endpoint) {
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  // Linux copies a listening socket's TCP options into every socket accepted from it, so
  // setting TCP_NODELAY here spares one setsockopt per connection.
  acceptor.set_option(tcp::no_delay(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
}

// TLS 1.2 or later, OpenSSL's defaults otherwise (SPEC 4.5). Throws with the file's name when
// the certificate or key cannot be used.
std::shared_ptr<asio::ssl::context> make_tls_context(const std::filesystem::path& cert,
                                                     const std::filesystem::path& key) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::single_dh_use);
  std::error_code ec;
  ctx->use_certificate_chain_file(cert.string(), ec);
  if (ec) {
    throw std::runtime_error(cert.string() + ": cannot use as TLS certificate: " + ec.message());
  }
  ctx->use_private_key_file(key.string(), asio::ssl::context::pem, ec);
  if (ec) {
    throw std::runtime_error(key.string() + ": cannot use as TLS key: " + ec.message());
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    throw std::runtime_error(key.string() + ": does not match " + cert.string());
  }
  return ctx;
}

// Store threads: derivations are CPU work, so at most half the cores (one at least), leaving the
// rest to the event loops; a store's own writes serialise anyway.
std::size_t store_thread_count() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores <= 2 ? 1 : cores / 2;
}

// With the shared store the store threads mostly wait for PostgreSQL's round trips, not for a
// CPU: a few more keep logins flowing (docs/ARCHITECTURE.md, "The shared store").
constexpr std::size_t kSharedStoreThreads = 4;

void log_exception(std::exception_ptr e) {
  if (!e) {
    return;
  }
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "tsna-server: connection ended by an error: %s\n", ex.what());
  }
}

// GET /health's question (--metrics): can the store be reached? The embedded SQLite store is a
// file this process holds open, so always; the PostgreSQL store says whether its pool is
// connected. Never waits, so a scrape is never held by the database.
bool store_reachable(const UserStore& store) {
  return store.healthy();
}

}  // namespace

unsigned default_event_loops() {
  const unsigned cpus = usable_cpus();
  return cpus > 1 ? cpus - 1 : 1;
}

struct Server::Impl {
  ServerOptions options;
  ProxyPolicy proxy;                         // --proxy-protocol-from
  std::optional<DataDirLock> data_dir_lock;  // held while the server uses options.data_dir
  SystemClock clock;
  auth::OpenSslRandom random;
  std::unique_ptr<UserStore> store;
  std::unique_ptr<AuditSink> audit;
  FileAuditLog* file_audit = nullptr;         // set when `audit` is our own file log
  auth::LoginThrottle throttle;               // this node's counts, unless the store is shared:
  std::shared_ptr<PostgresPool> shared_pool;  // with --store postgresql
  std::unique_ptr<PostgresThrottle> shared_throttle;   // the cluster's
  std::unique_ptr<PostgresLoginLookup> shared_lookup;  // its rows and a verifier in one query
  // Counted whether or not --metrics serves them: a count costs a plain increment.
  metrics::Registry metrics{command_labels()};
  SessionContext session_context;
  std::unique_ptr<StoreExecutor> store_executor;
  ConnectionServices connection_services;  // one for all connections: they keep a reference
  std::vector<std::unique_ptr<Worker>> workers;
  tcp::acceptor acceptor;                       // --port: TLS when TLS is on without --tls-port
  std::unique_ptr<tcp::acceptor> tls_acceptor;  // --tls-port
  // Set when TLS is configured. A connection takes the context current at its accept and keeps
  // it; reload_tls_certificate() swaps in a new one, so established connections are untouched.
  mutable std::mutex tls_mutex;
  std::shared_ptr<asio::ssl::context> tls;  // guarded by tls_mutex
  std::atomic<std::size_t> open_connections{0};
  std::atomic<bool> stopped{false};
  std::size_t next_worker = 0;
  std::unique_ptr<MetricsHttpServer> metrics_http;  // --metrics

  std::string scrape() const;
  Impl(ServerOptions opts, std::unique_ptr<UserStore> given_store,
       std::unique_ptr<AuditSink> given_audit);
  std::shared_ptr<asio::ssl::context> current_tls() const;
  asio::awaitable<void> accept_loop(tcp::acceptor& from, bool with_tls);
  asio::awaitable<void> sweep_loop(Worker& worker);
  void admit(int fd, const tcp::endpoint& remote, bool with_tls);
};

Server::Impl::Impl(ServerOptions opts, std::unique_ptr<UserStore> given_store,
                   std::unique_ptr<AuditSink> given_audit)
    : options(std::move(opts)),
      proxy{CidrList(options.proxy_protocol_from)},  // throws, naming a bad range, before I/O
      store(std::move(given_store)),
      audit(std::move(given_audit)),
      throttle(options.limits, clock),
      acceptor([this]() -> asio::io_context& {
        const unsigned n = options.threads != 0 ? options.threads : default_event_loops();
        workers.reserve(n);
        for (unsigned i = 0; i < n; ++i) {
          workers.push_back(std::make_unique<Worker>());
          workers.back()->state.read_buffer.resize(options.limits.read_chunk_bytes);
        }
        return workers.front()->io;
      }()) {
  if (!store || !audit) {
    data_dir_lock.emplace(DataDirLock::acquire(options.data_dir));  // before anything is opened
  }
  if (!store && !options.store_uri.empty()) {
    shared_pool = std::make_shared<PostgresPool>(options.store_uri);
    store = PostgresUserStore::open(shared_pool, &random);
    shared_throttle = std::make_unique<PostgresThrottle>(shared_pool, options.limits);
    shared_lookup = std::make_unique<PostgresLoginLookup>(shared_pool);
  }
  if (!store) {
    store = open_embedded_store(options, &random);
  }
  if (!audit) {
    auto file = std::make_unique<FileAuditLog>(options.data_dir / "data_log.jsonl",
                                               options.limits.audit_cmd_max_bytes);
    file_audit = file.get();
    audit = std::move(file);
  }
  session_context.limits = options.limits;
  session_context.allow_classic_login = options.allow_classic_login;
  session_context.scram_iterations = options.scram_iterations;
  session_context.decoy_secret = store->decoy_secret();
  session_context.random = &random;
  session_context.audit = audit.get();
  session_context.clock = &clock;
  session_context.metrics = &metrics;
  store_executor = std::make_unique<StoreExecutor>(
      StoreWorkContext{
          store.get(),
          shared_throttle ? static_cast<auth::Throttle*>(shared_throttle.get()) : &throttle,
          &random, options.scram_iterations, shared_lookup.get()},
      shared_throttle ? std::max(kSharedStoreThreads, store_thread_count()) : store_thread_count(),
      options.limits.store_queue_capacity, &metrics);
  connection_services = {&session_context, store_executor.get(), &open_connections, &metrics,
                         &proxy};
  if (shared_pool) {
    for (auto& w : workers) {
      w->lookup = std::make_unique<LoopLookup>(w->io, w->state.plain, shared_pool, *store_executor);
      w->state.lookup = w->lookup.get();
    }
  }

  raise_file_limit_for(options.limits.max_connections);
  if (options.tls_enabled()) {
    tls = make_tls_context(options.tls_cert, options.tls_key);
  }
  const asio::ip::address address = asio::ip::make_address(options.bind);
  listen_on(acceptor, tcp::endpoint(address, options.port));
  if (tls && options.tls_port) {
    tls_acceptor = std::make_unique<tcp::acceptor>(workers.front()->io);
    listen_on(*tls_acceptor, tcp::endpoint(address, *options.tls_port));
  }
  if (options.metrics) {
    metrics_http = std::make_unique<MetricsHttpServer>(
        *options.metrics,
        MetricsEndpoints{[this] { return scrape(); }, [this] { return store_reachable(*store); }});
  }
}

std::string Server::Impl::scrape() const {
  metrics::Scrape s;
  s.totals = metrics.totals();
  s.command_labels = &metrics.command_labels();
  if (file_audit != nullptr) {
    s.audit_written = file_audit->written();
    s.audit_dropped = file_audit->dropped();
  }
  s.version = kVersion;
  return metrics::render(s);
}

std::shared_ptr<asio::ssl::context> Server::Impl::current_tls() const {
  const std::lock_guard lock(tls_mutex);
  return tls;
}

// Runs on the first worker's loop. Waits for the listening socket, then takes every connection
// waiting (up to kAcceptsPerWake) with accept4(): no Asio socket is made for a plain one.
asio::awaitable<void> Server::Impl::accept_loop(tcp::acceptor& from, bool with_tls) {
  std::error_code ec;
  from.non_blocking(true, ec);
  for (;;) {
    auto [wait_ec] = co_await from.async_wait(tcp::acceptor::wait_read, kNoThrow);
    if (stopped.load()) {
      co_return;
    }
    bool failed = static_cast<bool>(wait_ec);
    std::string message = failed ? wait_ec.message() : std::string();
    for (int i = 0; i < kAcceptsPerWake && !failed; ++i) {
      tcp::endpoint remote;
      const int fd = accept_one(from, remote);
      if (fd >= 0) {
        admit(fd, remote, with_tls);
        continue;
      }
      const int error = errno;
      if (error == EAGAIN || error == EWOULDBLOCK) {
        break;
      }
      if (!accept_error_is_transient(error)) {
        failed = true;  // EMFILE, ENFILE, ENOBUFS, ENOMEM...
        message = std::strerror(error);
      }
    }
    if (failed) {
      std::fprintf(stderr, "tsna-server: accept failed: %s\n", message.c_str());
      asio::steady_timer pause(from.get_executor(), kAcceptBackoff);
      co_await pause.async_wait(kNoThrow);
    }
  }
}

void Server::Impl::admit(int fd, const tcp::endpoint& remote, bool with_tls) {
  const auto kind =
      static_cast<std::size_t>(with_tls ? metrics::PortKind::kTls : metrics::PortKind::kPlain);
  if (open_connections.load(std::memory_order_relaxed) >= options.limits.max_connections) {
    metrics.local().connections_rejected[kind].add();
    // Admit at the door (STYLE 5.5): one best-effort line, then close.
    std::string line("400:");
    line.append(msg::kTooManyConnections).push_back('\n');
    [[maybe_unused]] const ssize_t n =
        ::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(fd);
    return;
  }
  open_connections.fetch_add(1, std::memory_order_relaxed);
  metrics.local().connections_accepted[kind].add();
  Worker& worker = *workers[next_worker];
  next_worker = (next_worker + 1) % workers.size();
  if (with_tls) {
    // The context in force now: a reload (SIGHUP) swaps it for connections accepted later.
    asio::post(worker.io, [this, &worker, fd, protocol = remote.protocol(), tls = current_tls()] {
      LoopSocket socket(worker.io);
      std::error_code ec;
      socket.assign(protocol, fd, ec);
      if (ec) {
        ::close(fd);
        connection_services.connection_ended(metrics::PortKind::kTls);
        log_connection_error(ec.message().c_str());
        return;
      }
      asio::co_spawn(
          worker.io,
          serve_tls_connection(std::move(socket), worker.state, connection_services, tls),
          log_exception);
    });
    return;
  }
  const bool proxy_header = proxy.trusted.contains(remote.address());
  if (&worker == workers.front().get()) {
    // This loop's own connection (the acceptor runs on the first loop): start it now.
    serve_plain_connection(fd, format_peer(remote), proxy_header, worker.state,
                           connection_services);
    return;
  }
  asio::post(worker.io, [this, &worker, fd, proxy_header, peer = format_peer(remote)] {
    serve_plain_connection(fd, peer, proxy_header, worker.state, connection_services);
  });
}

asio::awaitable<void> Server::Impl::sweep_loop(Worker& worker) {
  while (!worker.state.stopping) {
    worker.sweep.expires_after(kSweepInterval);
    co_await worker.sweep.async_wait(kNoThrow);
    if (worker.state.stopping) {
      co_return;
    }
    const SteadyTime now = clock.now();
    worker.state.connections.for_each([now](LiveConnection& c) {
      if (c.waiting && !c.deadline_hit && now >= c.deadline()) {
        c.deadline_hit = true;
        c.interrupt(c.target);  // may end `c` (plain connections run at once)
      }
    });
  }
}

Server::Server(ServerOptions options, std::unique_ptr<UserStore> store,
               std::unique_ptr<AuditSink> audit)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(store), std::move(audit))) {}

Server::~Server() = default;

std::uint16_t Server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::optional<std::uint16_t> Server::tls_port() const {
  if (!impl_->tls_acceptor) {
    return std::nullopt;
  }
  return impl_->tls_acceptor->local_endpoint().port();
}

std::optional<std::uint16_t> Server::metrics_port() const {
  if (!impl_->metrics_http) {
    return std::nullopt;
  }
  return impl_->metrics_http->port();
}

std::size_t Server::open_connections() const {
  return impl_->open_connections.load();
}

void Server::run() {
  Impl& s = *impl_;
  const bool main_port_tls = s.current_tls() && !s.tls_acceptor;
  asio::co_spawn(s.workers.front()->io, s.accept_loop(s.acceptor, main_port_tls), log_exception);
  if (s.tls_acceptor) {
    asio::co_spawn(s.workers.front()->io, s.accept_loop(*s.tls_acceptor, true), log_exception);
  }
  for (auto& w : s.workers) {
    w->state.plain.start();
    asio::co_spawn(w->io, s.sweep_loop(*w), log_exception);
  }
  if (s.metrics_http) {
    s.metrics_http->start();
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < s.workers.size(); ++i) {
    threads.emplace_back([&io = s.workers[i]->io] { io.run(); });
  }
  s.workers.front()->io.run();
  for (auto& t : threads) {
    t.join();
  }
  // Every session has ended; finish the store writes they started, then the audit log.
  s.store_executor->join();
  if (s.file_audit != nullptr) {
    s.file_audit->close();
  }
  if (s.metrics_http) {
    s.metrics_http->stop();
  }
}

void Server::stop() {
  Impl& s = *impl_;
  if (s.stopped.exchange(true)) {
    return;
  }
  asio::post(s.workers.front()->io, [&s] {
    std::error_code ec;
    s.acceptor.close(ec);
    if (s.tls_acceptor) {
      s.tls_acceptor->close(ec);
    }
  });
  for (auto& w : s.workers) {
    asio::post(w->io, [&w = *w] {
      w.state.begin_stopping();
      w.sweep.cancel();
      w.state.connections.for_each([](LiveConnection& c) {
        if (c.waiting) {
          c.interrupt(c.target);  // may end `c` (plain connections run at once)
        }
      });
    });
  }
}

void Server::reopen_audit_log() {
  if (impl_->file_audit != nullptr) {
    impl_->file_audit->reopen();
  }
}

bool Server::reload_tls_certificate() {
  Impl& s = *impl_;
  if (!s.options.tls_enabled()) {
    return true;
  }
  std::shared_ptr<asio::ssl::context> fresh;
  try {
    fresh = make_tls_context(s.options.tls_cert, s.options.tls_key);  // outside the lock: file I/O
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tsna-server: TLS certificate not reloaded, the old one stays: %s\n",
                 e.what());
    return false;
  }
  {
    const std::lock_guard lock(s.tls_mutex);
    s.tls.swap(fresh);
  }
  std::fprintf(stderr, "tsna-server: TLS certificate reloaded from %s\n",
               s.options.tls_cert.c_str());
  return true;  // `fresh`, now the old context, lives on in the connections that hold it
}

}  // namespace tsna
