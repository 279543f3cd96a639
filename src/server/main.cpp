// main.cpp - tsna-server's command line (SPEC 4.1): options, the --config file (SPEC 4.6),
// signals, the service manager's notifications (SPEC 7), and the import-users / export-users
// subcommands. Everything else lives in the tsna_server library.
#include <CLI/CLI.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <exception>
#include <functional>
#include <memory>
#include <thread>
#include <variant>

#include "common/version.hpp"
#include "server/cidr.hpp"
#include "server/embedded_store.hpp"
#include "server/metrics_http.hpp"
#include "server/server.hpp"
#include "server/service_notify.hpp"
#include "store/data_dir.hpp"
#include "store/postgres_uri.hpp"
#include "store/sqlite_user_store.hpp"
#include "store/user_file.hpp"

namespace {

// What the command line sets: ServerOptions (whose defaults are the SPEC's) and the values
// CLI11 reads in another type first.
struct CommandLine {
  tsna::ServerOptions options;
  std::string data_dir = options.data_dir.string();
  unsigned idle_seconds = 300;
  std::string tls_cert;
  std::string tls_key;
  std::uint16_t tls_port = 0;
  std::string metrics;
  bool print_config = false;
  std::string users_file;
  CLI::App* import_cmd = nullptr;
  CLI::App* export_cmd = nullptr;
};

// Every option, once. A new option is one more line here: --config, --print-config, the man
// page check and the default configuration file check (tests/packaging) all follow this list.
void add_options(CLI::App& app, CommandLine& cl) {
  tsna::ServerOptions& o = cl.options;
  app.set_version_flag("--version", std::string("tsna-server ") + tsna::kVersion);
  app.fallthrough();
  app.set_config("--config", "", "Read options from FILE (TOML or INI); flags given too win")
      ->type_name("TEXT")
      ->check(CLI::ExistingFile);
  app.add_flag("--print-config", cl.print_config,
               "Print the options the flags and --config set, as TOML, and exit")
      ->configurable(false);
  app.add_option("--bind", o.bind, "Address to listen on")->capture_default_str();
  app.add_option("--port", o.port, "TCP port (0 picks a free port)")->capture_default_str();
  app.add_option("--data-dir", cl.data_dir, "Directory for users.db and data_log.jsonl")
      ->capture_default_str();
  app.add_option("--store", o.store_uri,
                 "Users store shared by several nodes: a postgresql:// URI (libpq's; no password "
                 "on the command line). Default: SQLite in --data-dir");
  app.add_option("--threads", o.threads,
                 "Event-loop threads (default: one less than the CPUs it may use, at least 1)");
  app.add_option("--max-connections", o.limits.max_connections, "Connections open at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--idle-timeout", cl.idle_seconds,
                 "Seconds without a complete message before a connection is closed")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  app.add_flag("--allow-classic", o.allow_classic_login,
               "Accept the seed's classic login/register/changepwd (hashes in clear)");
  app.add_option("--scram-iterations", o.scram_iterations,
                 "PBKDF2 iterations of the SCRAM-SHA-256 verifiers made from now on")
      ->capture_default_str()
      ->check(CLI::Range(tsna::auth::kMinScramIterations, tsna::auth::kMaxScramIterations));
  CLI::Option* cert_opt = app.add_option("--tls-cert", cl.tls_cert, "TLS certificate chain (PEM)")
                              ->check(CLI::ExistingFile);
  CLI::Option* key_opt =
      app.add_option("--tls-key", cl.tls_key, "TLS private key (PEM)")->check(CLI::ExistingFile);
  cert_opt->needs(key_opt);
  key_opt->needs(cert_opt);
  app.add_option("--tls-port", cl.tls_port, "Speak TLS on this port and keep --port plain")
      ->needs(cert_opt);
  app.add_option("--metrics", cl.metrics,
                 "Serve Prometheus metrics (GET /metrics) and GET /health on ADDR:PORT "
                 "(a bare PORT: 127.0.0.1)")
      ->type_name("ADDR:PORT")
      ->check(
          [](const std::string& text) {
            return tsna::parse_listen_address(text) ? std::string()
                                                    : "expected ADDR:PORT, [IPv6]:PORT or PORT";
          },
          "");
  app.add_option("--proxy-protocol-from", o.proxy_protocol_from,
                 "CIDRs (comma-separated) of load balancers whose connections must start with a "
                 "PROXY header (v1 or v2) naming the real client")
      ->type_name("CIDR,...")
      ->delimiter(',')
      ->check(CLI::Validator(
          [](std::string& item) {
            return tsna::parse_cidr(item) ? std::string()
                                          : "\"" + item + "\" is not a CIDR (ADDRESS/BITS)";
          },
          ""));  // no name: the help shows the type_name alone

  cl.import_cmd = app.add_subcommand(
      "import-users", "Import a users file (name:hash or name:SCRAM-SHA-256$... lines)");
  cl.import_cmd->add_option("FILE", cl.users_file, "The users file")->required();
  cl.export_cmd =
      app.add_subcommand("export-users", "Export all users as name:SCRAM-SHA-256$... lines");
  cl.export_cmd->add_option("FILE", cl.users_file, "The users file to write")->required();
  app.get_help_ptr()->configurable(false);
  app.get_version_ptr()->configurable(false);
}

// CLI11 reads the --config file (TOML, or INI: `key=value`, `;` comments) and by default skips
// a key it does not know; 2.1.2's own check says only "INI was not able to parse KEY". This
// refuses such a key by name, before any value is used. Sections are refused too: they would
// name subcommands, and a server's configuration must not run import-users.
class CheckedConfig : public CLI::ConfigTOML {
 public:
  explicit CheckedConfig(const CLI::App& app) : app_(app) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    std::vector<CLI::ConfigItem> items = CLI::ConfigTOML::from_config(input);
    for (const CLI::ConfigItem& item : items) {
      if (item.name == "++" || item.name == "--") {
        continue;  // CLI11's marks for the start and end of a section
      }
      const CLI::Option* opt =
          item.parents.empty() ? app_.get_option_no_throw("--" + item.name) : nullptr;
      if (opt == nullptr) {
        throw CLI::ConfigError("unknown option \"" + item.fullname() + "\"");
      }
      if (!opt->get_configurable()) {
        throw CLI::ConfigError("option \"" + item.name +
                               "\" cannot be set in a configuration file");
      }
    }
    return items;
  }

 private:
  const CLI::App& app_;
};

// Reads nothing: the command line parsed as if the --config file were empty.
class NoConfig : public CLI::ConfigTOML {
 public:
  std::vector<CLI::ConfigItem> from_config(std::istream&) const override { return {}; }
};

// Parses argv into `into` as if the --config file were empty: what the flags alone say. Throws
// CLI::ParseError as CLI::App::parse does.
void parse_flags_only(const CLI::App& app, int argc, char** argv, CommandLine& into) {
  CLI::App bare{app.get_description()};
  add_options(bare, into);
  bare.config_formatter(std::make_shared<NoConfig>());
  bare.parse(argc, argv);
}

// Parses argv into what add_options() bound, the --config file included. Returns the exit status
// when the program must end here: --help/--version (0), a bad command line (CLI11's message and
// status), or a bad --config file: "tsna-server: FILE: <what is wrong>", status 1. CLI11 reads the
// file in the same pass as the flags, so an error is the file's when the same command line parses
// without it.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0 || app.get_config_ptr()->count() == 0) {
      return app.exit(e);
    }
    CommandLine flags_only;
    try {
      parse_flags_only(app, argc, argv, flags_only);
    } catch (const CLI::ParseError& flag_error) {
      return app.exit(flag_error);
    }
    std::fprintf(stderr, "tsna-server: %s: %s\n", app.get_config_ptr()->as<std::string>().c_str(),
                 e.what());
    return 1;
  }
}

// True when --store was given as a flag rather than by the --config file: the command line
// parsed again without the file.
bool store_given_as_flag(const CLI::App& app, int argc, char** argv) {
  CommandLine flags_only;
  try {
    parse_flags_only(app, argc, argv, flags_only);
  } catch (const CLI::ParseError&) {
    return false;
  }
  return !flags_only.options.store_uri.empty();
}

// Checks --store (SPEC 4.1): a PostgreSQL URI, parsed by libpq, with no password when it came
// from the command line, where ps shows it. Returns the message of a refusal.
std::optional<std::string> check_store(const CLI::App& app, const tsna::ServerOptions& options,
                                       int argc, char** argv) {
  if (options.store_uri.empty()) {
    return std::nullopt;
  }
  std::string error;
  const std::optional<tsna::PostgresUri> uri = tsna::parse_postgres_uri(options.store_uri, error);
  if (!uri) {
    return error;
  }
  if (uri->has_password && store_given_as_flag(app, argc, argv)) {
    return tsna::password_on_command_line_message();
  }
  return std::nullopt;
}

bool is_loopback(const std::string& bind) {
  std::error_code ec;
  const asio::ip::address a = asio::ip::make_address(bind, ec);
  return !ec && a.is_loopback();
}

int import_users(const std::filesystem::path& file, const tsna::ServerOptions& options) {
  const tsna::DataDirLock lock = tsna::DataDirLock::acquire(options.data_dir);
  const std::string text = tsna::read_file(file);
  auto parsed = tsna::parse_user_file(text);
  if (const auto* err = std::get_if<tsna::UserFileError>(&parsed)) {
    std::fprintf(stderr, "%s:%zu: %s; nothing was imported\n", file.c_str(), err->line,
                 err->message.c_str());
    return 1;
  }
  const auto& entries = std::get<std::vector<tsna::UserFileEntry>>(parsed);
  auto store = tsna::open_embedded_store(options);
  const tsna::ImportResult result = store->import_all(entries);
  if (!result.ok) {
    std::fprintf(stderr, "%s: %s; nothing was imported\n", file.c_str(), result.error.c_str());
    return 1;
  }
  std::printf("imported %zu users from %s\n", result.imported, file.c_str());
  return 0;
}

// Writes verifier lines: the seed's "name:hash" form cannot be made, as no hash is kept.
int export_users(const std::filesystem::path& file, const tsna::ServerOptions& options) {
  const tsna::DataDirLock lock = tsna::DataDirLock::acquire(options.data_dir);
  auto store = tsna::open_embedded_store(options);
  const std::vector<tsna::UserRecord> users = store->list();
  tsna::write_file_atomically(file, tsna::format_user_file(users), 0600);
  std::printf("exported %zu users to %s\n", users.size(), file.c_str());
  return 0;
}

// Tells the service manager (systemd, Type=notify) about a change of state; a failure to tell
// it is worth a line, since systemd then gives up on the start.
void notify(const std::string& state) {
  if (const auto problem = tsna::notify_service_manager(state)) {
    std::fprintf(stderr, "tsna-server: warning: cannot notify the service manager: %s\n",
                 problem->c_str());
  }
}

// RELOADING=1 carries the CLOCK_MONOTONIC time in microseconds, as systemd 253's
// Type=notify-reload requires; older managers ignore it.
std::string reloading_state() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec = static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
  return "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
}

int serve(tsna::ServerOptions options) {
  std::signal(SIGPIPE, SIG_IGN);
  // The signal set exists before any server thread, so every thread delivers to it.
  asio::io_context signal_io(1);
  asio::signal_set signals(signal_io, SIGINT, SIGTERM, SIGHUP);

  tsna::Server server(options);
  const bool main_port_tls = options.tls_enabled() && !options.tls_port;
  std::string listening = "listening on " + options.bind + ":" + std::to_string(server.port()) +
                          (main_port_tls ? " (tls)" : "");
  const std::string ready = "READY=1\nSTATUS=" + listening;
  if (const auto tls_port = server.tls_port()) {
    listening += "\nlistening on " + options.bind + ":" + std::to_string(*tls_port) + " (tls)";
  }
  if (const auto metrics_port = server.metrics_port()) {
    // After the listening lines, which scripts read first.
    const std::string& host = options.metrics->host;
    listening += "\nmetrics on " + (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                 ":" + std::to_string(*metrics_port);
  }

  std::function<void(const std::error_code&, int)> on_signal = [&](const std::error_code& ec,
                                                                   int sig) {
    if (ec) {
      return;
    }
    if (sig == SIGHUP) {
      notify(reloading_state());
      server.reopen_audit_log();
      server.reload_tls_certificate();
      notify(ready);
      signals.async_wait(on_signal);
      return;
    }
    notify("STOPPING=1\nSTATUS=stopping");
    server.stop();
  };
  signals.async_wait(on_signal);
  std::thread signal_thread([&] { signal_io.run(); });

  if (!is_loopback(options.bind) && !main_port_tls) {
    std::fprintf(stderr,
                 "tsna-server: warning: %s is not a loopback address and TLS is off: register "
                 "and changepwd send password hashes in clear\n",
                 options.bind.c_str());
  }
  if (options.metrics && !is_loopback(options.metrics->host)) {
    std::fprintf(stderr,
                 "tsna-server: warning: --metrics %s is not a loopback address: anyone who can "
                 "reach it reads the counters\n",
                 options.metrics->host.c_str());
  }
  std::printf("%s\n", listening.c_str());
  std::fflush(stdout);
  notify(ready);  // the ports listen since Server's constructor: connections queue until run()
  server.run();
  signals.cancel();
  signal_io.stop();
  signal_thread.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine cl;
  CLI::App app{"tsna-server: a Telnet-like remote command service with an NTLM-style login"};
  add_options(app, cl);
  app.config_formatter(std::make_shared<CheckedConfig>(app));
  if (const auto status = parse_command_line(app, argc, argv)) {
    return *status;
  }
  if (cl.print_config) {
    std::fputs(app.config_to_str(false, false).c_str(), stdout);
    return 0;
  }
  tsna::ServerOptions& options = cl.options;
  if (const auto refusal = check_store(app, options, argc, argv)) {
    std::fprintf(stderr, "tsna-server: %s\n", refusal->c_str());
    return 1;
  }
  options.data_dir = cl.data_dir;
  options.tls_cert = cl.tls_cert;
  options.tls_key = cl.tls_key;
  if (app.count("--tls-port") > 0) {
    options.tls_port = cl.tls_port;
  }
  options.limits.idle_timeout = std::chrono::seconds(cl.idle_seconds);
  if (!cl.metrics.empty()) {
    options.metrics = tsna::parse_listen_address(cl.metrics);
  }
  try {
    if ((cl.import_cmd->parsed() || cl.export_cmd->parsed()) && !options.store_uri.empty()) {
      std::fprintf(stderr,
                   "tsna-server: import-users and export-users work on the embedded store (in "
                   "--data-dir) only, not with --store\n");
      return 1;
    }
    if (cl.import_cmd->parsed()) {
      return import_users(cl.users_file, options);
    }
    if (cl.export_cmd->parsed()) {
      return export_users(cl.users_file, options);
    }
    return serve(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tsna-server: %s\n", e.what());
    return 1;
  }
}
