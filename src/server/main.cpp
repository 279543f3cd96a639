// main.cpp - tsna-server's command line (SPEC 4.1): options, signals, and the import-users /
// export-users subcommands. Everything else lives in the tsna_server library.
#include <CLI/CLI.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <exception>
#include <functional>
#include <thread>
#include <variant>

#include "common/version.hpp"
#include "server/server.hpp"
#include "store/data_dir.hpp"
#include "store/sqlite_user_store.hpp"
#include "store/user_file.hpp"

namespace {

bool is_loopback(const std::string& bind) {
  std::error_code ec;
  const asio::ip::address a = asio::ip::make_address(bind, ec);
  return !ec && a.is_loopback();
}

int import_users(const std::filesystem::path& file, const std::filesystem::path& data_dir) {
  const tsna::DataDirLock lock = tsna::DataDirLock::acquire(data_dir);
  const std::string text = tsna::read_file(file);
  auto parsed = tsna::parse_user_file(text);
  if (const auto* err = std::get_if<tsna::UserFileError>(&parsed)) {
    std::fprintf(stderr, "%s:%zu: %s; nothing was imported\n", file.c_str(), err->line,
                 err->message.c_str());
    return 1;
  }
  const auto& records = std::get<std::vector<tsna::UserRecord>>(parsed);
  auto store = tsna::SqliteUserStore::open(data_dir);
  const tsna::ImportResult result = store->import_all(records);
  if (!result.ok) {
    std::fprintf(stderr, "%s: %s; nothing was imported\n", file.c_str(), result.error.c_str());
    return 1;
  }
  std::printf("imported %zu users from %s\n", result.imported, file.c_str());
  return 0;
}

int export_users(const std::filesystem::path& file, const std::filesystem::path& data_dir) {
  const tsna::DataDirLock lock = tsna::DataDirLock::acquire(data_dir);
  auto store = tsna::SqliteUserStore::open(data_dir);
  const std::vector<tsna::UserRecord> users = store->list();
  tsna::write_file_atomically(file, tsna::format_user_file(users), 0600);
  std::printf("exported %zu users to %s\n", users.size(), file.c_str());
  return 0;
}

int serve(tsna::ServerOptions options) {
  std::signal(SIGPIPE, SIG_IGN);
  // The signal set exists before any server thread, so every thread delivers to it.
  asio::io_context signal_io(1);
  asio::signal_set signals(signal_io, SIGINT, SIGTERM, SIGHUP);

  tsna::Server server(options);
  std::function<void(const std::error_code&, int)> on_signal = [&](const std::error_code& ec,
                                                                   int sig) {
    if (ec) {
      return;
    }
    if (sig == SIGHUP) {
      server.reopen_audit_log();
      signals.async_wait(on_signal);
      return;
    }
    server.stop();
  };
  signals.async_wait(on_signal);
  std::thread signal_thread([&] { signal_io.run(); });

  const bool main_port_tls = options.tls_enabled() && !options.tls_port;
  if (!is_loopback(options.bind) && !main_port_tls) {
    std::fprintf(stderr,
                 "tsna-server: warning: %s is not a loopback address and TLS is off: register "
                 "and changepwd send password hashes in clear\n",
                 options.bind.c_str());
  }
  std::printf("listening on %s:%u%s\n", options.bind.c_str(), server.port(),
              main_port_tls ? " (tls)" : "");
  if (const auto tls_port = server.tls_port()) {
    std::printf("listening on %s:%u (tls)\n", options.bind.c_str(), *tls_port);
  }
  std::fflush(stdout);
  server.run();
  signals.cancel();
  signal_io.stop();
  signal_thread.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  tsna::ServerOptions options;
  CLI::App app{"tsna-server: a Telnet-like remote command service with an NTLM-style login"};
  app.set_version_flag("--version", std::string("tsna-server ") + tsna::kVersion);
  app.fallthrough();
  std::string data_dir = options.data_dir.string();
  unsigned idle_seconds = 300;
  app.add_option("--bind", options.bind, "Address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "TCP port (0 picks a free port)")->capture_default_str();
  app.add_option("--data-dir", data_dir, "Directory for users.db and data_log.jsonl")
      ->capture_default_str();
  app.add_option("--threads", options.threads,
                 "Event-loop threads (default: one less than the CPUs it may use, at least 1)");
  app.add_option("--max-connections", options.limits.max_connections, "Connections open at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--idle-timeout", idle_seconds,
                 "Seconds without a complete message before a connection is closed")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  app.add_flag("--allow-classic", options.allow_classic_login,
               "Accept the seed's classic login/register/changepwd (hashes in clear)");
  std::string tls_cert;
  std::string tls_key;
  std::uint16_t tls_port = 0;
  CLI::Option* cert_opt = app.add_option("--tls-cert", tls_cert, "TLS certificate chain (PEM)")
                              ->check(CLI::ExistingFile);
  CLI::Option* key_opt =
      app.add_option("--tls-key", tls_key, "TLS private key (PEM)")->check(CLI::ExistingFile);
  cert_opt->needs(key_opt);
  key_opt->needs(cert_opt);
  app.add_option("--tls-port", tls_port, "Speak TLS on this port and keep --port plain")
      ->needs(cert_opt);

  std::string users_file;
  CLI::App* import_cmd =
      app.add_subcommand("import-users", "Import a seed users file (username:hash lines)");
  import_cmd->add_option("FILE", users_file, "The users file")->required();
  CLI::App* export_cmd =
      app.add_subcommand("export-users", "Export all users as a seed users file");
  export_cmd->add_option("FILE", users_file, "The users file to write")->required();

  CLI11_PARSE(app, argc, argv);
  options.data_dir = data_dir;
  options.tls_cert = tls_cert;
  options.tls_key = tls_key;
  if (app.count("--tls-port") > 0) {
    options.tls_port = tls_port;
  }
  options.limits.idle_timeout = std::chrono::seconds(idle_seconds);
  try {
    if (import_cmd->parsed()) {
      return import_users(users_file, options.data_dir);
    }
    if (export_cmd->parsed()) {
      return export_users(users_file, options.data_dir);
    }
    return serve(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tsna-server: %s\n", e.what());
    return 1;
  }
}
