// program.cpp - program flow: choose the mode, connect (greeting, upgrade), run sessions, map the
// outcome to an exit status. The seed's flow returns to the host prompt after each session.
#include "client/program.hpp"

#include <langinfo.h>
#include <unistd.h>

#include <clocale>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <variant>

#include "client/address.hpp"
#include "client/connection.hpp"
#include "client/console.hpp"
#include "client/line_editor.hpp"
#include "client/messages.hpp"
#include "client/session.hpp"
#include "client/signals.hpp"
#include "client/tls_stream.hpp"
#include "common/words.hpp"
#include "protocol/handshake.hpp"

namespace tsna::client {
namespace {

// libedit needs a multibyte locale to edit and show UTF-8 (the Chinese prompt, non-ASCII
// input). Only LC_CTYPE is set, so nothing else (number formats) changes; when the user's
// locale is missing or not UTF-8, C.UTF-8 is used for character handling.
void set_character_locale() {
  const char* set = std::setlocale(LC_CTYPE, "");
  if (set == nullptr || std::string_view(nl_langinfo(CODESET)) != "UTF-8") {
    std::setlocale(LC_CTYPE, "C.UTF-8");
  }
}

int stop_status() {
  const int sig = pending_stop_signal();
  return 128 + (sig != 0 ? sig : 2);
}

std::chrono::milliseconds timeout_of(const ClientOptions& options) {
  return std::chrono::milliseconds(std::llround(options.timeout_seconds * 1000.0));
}

// --password-file (first line, without its line end), else $TSNA_PASSWORD, else none.
// False when the file cannot be read (the reason printed).
bool load_preset_password(const ClientOptions& options, const Console& console,
                          std::unique_ptr<Secret>& out) {
  if (options.password_file) {
    std::ifstream in(*options.password_file, std::ios::binary);
    if (!in) {
      console.error("cannot read the password file " + *options.password_file);
      return false;
    }
    auto secret = std::make_unique<Secret>();
    std::getline(in, secret->buffer());
    if (!secret->empty() && secret->view().back() == '\r') {
      secret->buffer().pop_back();
    }
    out = std::move(secret);
    return true;
  }
  if (const char* env = std::getenv("TSNA_PASSWORD"); env != nullptr) {
    out = std::make_unique<Secret>(std::string(env));
  }
  return true;
}

enum class OpenFailure { kNone, kConnect, kHandshake };

// Connects, reads the greeting and (TSNA/2) upgrades. On failure `why` says what happened.
std::unique_ptr<Connection> open_connection(const Address& address, const ClientOptions& options,
                                            OpenFailure& failure, std::string& why) {
  const std::chrono::milliseconds timeout = timeout_of(options);
  IoResult io;
  std::unique_ptr<TcpStream> stream =
      TcpStream::connect(address.ipv4, address.port, Clock::now() + timeout, io);
  if (!stream) {
    failure = OpenFailure::kConnect;
    why = io.status == IoStatus::kError ? io.detail : describe_io(io, timeout);
    if (io.status == IoStatus::kInterrupted) {
      why = std::string(msg::kInterrupted);
    }
    return nullptr;
  }
  std::unique_ptr<Stream> transport;
  if (options.tls) {
    std::optional<std::filesystem::path> ca;
    if (options.ca_file) {
      ca = *options.ca_file;
    }
    auto tls =
        TlsStream::handshake(std::move(stream), address.host, ca, Clock::now() + timeout, io);
    if (!tls) {
      failure = OpenFailure::kHandshake;
      why = std::string(msg::kTlsFailed) + ": " +
            (io.status == IoStatus::kError ? io.detail : describe_io(io, timeout));
      return nullptr;
    }
    transport = std::move(tls);
  } else {
    transport = std::move(stream);
  }
  auto connection = std::make_unique<Connection>(
      std::move(transport), options.classic ? Dialect::kClassic : Dialect::kTsna2, timeout);
  io = connection->read_greeting();
  if (io.ok() && !options.classic) {
    io = connection->upgrade();
  }
  if (!io.ok()) {
    failure = OpenFailure::kHandshake;
    why = io.status == IoStatus::kProtocol ? io.detail : describe_io(io, timeout);
    return nullptr;
  }
  failure = OpenFailure::kNone;
  return connection;
}

// How a connection that could not be opened is reported. The seed's flow prints the seed's
// bare line (then "Please try again"); a direct start or a script says why, on stderr.
enum class FailureStyle { kSeed, kDirect };

// open_connection, and on failure the report of why (or that a stop signal came).
std::unique_ptr<Connection> open_or_report(const Address& address, const ClientOptions& options,
                                           const Console& console, FailureStyle style) {
  OpenFailure failure = OpenFailure::kNone;
  std::string why;
  std::unique_ptr<Connection> connection = open_connection(address, options, failure, why);
  if (connection) {
    return connection;
  }
  if (pending_stop_signal() != 0) {
    console.error(msg::kInterrupted);
  } else if (style == FailureStyle::kSeed) {
    console.line(failure == OpenFailure::kConnect ? std::string(msg::kConnectionFail) : why);
  } else if (failure == OpenFailure::kConnect) {
    console.error(std::string(msg::kConnectionFail) + " (" + address.display() + ": " + why + ")");
  } else {
    console.error(address.display() + ": " + why);
  }
  return nullptr;
}

// The exit status of a session that ended with `end` (SPEC 5.5); `failed`: some reply was a 400
// and that counts (scripts).
int exit_status(SessionEnd end, bool failed) {
  switch (end) {
    case SessionEnd::kDisconnected:
    case SessionEnd::kInputEnded:
      return failed ? kExitFailure : kExitOk;
    case SessionEnd::kInterrupted:
      return stop_status();
    case SessionEnd::kLost:
    case SessionEnd::kNoPassword:
    case SessionEnd::kUnprovenServer:
      break;
  }
  return kExitUsage;
}

int run_script(const Address& address, const ClientOptions& options) {
  const Console console(false);
  std::unique_ptr<Secret> preset;
  if (!load_preset_password(options, console, preset)) {
    return kExitUsage;
  }
  std::unique_ptr<Connection> connection =
      open_or_report(address, options, console, FailureStyle::kDirect);
  if (!connection) {
    return pending_stop_signal() != 0 ? stop_status() : kExitUsage;
  }
  Session session(*connection, console, SessionSettings{address.display(), preset.get()});
  if (options.user) {
    if (std::optional<SessionEnd> end = session.log_in_silently(*options.user)) {
      if (*end == SessionEnd::kNoPassword) {
        console.error("--user needs a password: set TSNA_PASSWORD or --password-file");
        return kExitUsage;
      }
      return *end == SessionEnd::kInterrupted ? stop_status() : kExitUsage;
    }
    if (!session.logged_in()) {
      if (session.last_reply().code != 0) {  // no reply: the reason was printed
        std::fputs((format_reply(session.last_reply()) + "\n").c_str(), stderr);
      }
      return kExitFailure;
    }
  }
  std::unique_ptr<CommandSource> input;
  if (!options.commands.empty()) {
    input = std::make_unique<ListSource>(options.commands);
  } else {
    input = std::make_unique<FdLineSource>(STDIN_FILENO);
  }
  const SessionEnd end = session.run(*input);
  return exit_status(end, session.saw_failure());
}

// Step 3 onwards of SPEC 5.1 for one address; returns how the session ended, or nullopt when
// no session started (the reason printed).
std::optional<SessionEnd> interactive_session(const Address& address, const ClientOptions& options,
                                              const Console& console, LineEditor& editor,
                                              const Secret* preset, FailureStyle style) {
  std::unique_ptr<Connection> connection = open_or_report(address, options, console, style);
  if (!connection) {
    if (pending_stop_signal() != 0) {
      return SessionEnd::kInterrupted;
    }
    return std::nullopt;
  }
  console.line(kGreeting);
  Session session(*connection, console, SessionSettings{address.display(), preset});
  if (options.user) {
    if (std::optional<SessionEnd> end = session.execute("login " + *options.user)) {
      return end;
    }
  }
  return session.run(editor);
}

int run_direct(const Address& address, const ClientOptions& options) {
  const Console console(true);
  std::unique_ptr<Secret> preset;
  if (!load_preset_password(options, console, preset)) {
    return kExitUsage;
  }
  LineEditor editor(LineEditor::default_history_path());
  const std::optional<SessionEnd> end =
      interactive_session(address, options, console, editor, preset.get(), FailureStyle::kDirect);
  // An interactive session's 400 replies were seen by the user: they do not make it fail.
  return end ? exit_status(*end, false) : kExitUsage;
}

int run_seed_flow(const ClientOptions& options) {
  const Console console(true);
  const LocaleTexts& texts = texts_for_locale([](const char* name) { return std::getenv(name); });
  std::unique_ptr<Secret> preset;
  if (!load_preset_password(options, console, preset)) {
    return kExitUsage;
  }
  LineEditor editor(LineEditor::default_history_path());
  console.line(texts.banner);
  for (;;) {
    std::string input;
    const LineStatus status = editor.next(texts.host_prompt, CompletionState::kHostPrompt, input);
    if (status == LineStatus::kInterrupted) {
      console.end_open_line();
      console.error(msg::kInterrupted);
      return stop_status();
    }
    if (status == LineStatus::kEof) {
      console.end_open_line();
      console.line(texts.goodbye);
      return kExitOk;
    }
    editor.remember(input);
    if (trim_blanks(input) == "exit") {
      console.line(texts.goodbye);
      return kExitOk;
    }
    const auto parsed = parse_address(input);
    if (const auto* error = std::get_if<AddressError>(&parsed)) {
      console.line(error->message);
      console.line(msg::kTryAgain);
      continue;
    }
    const std::optional<SessionEnd> end = interactive_session(
        std::get<Address>(parsed), options, console, editor, preset.get(), FailureStyle::kSeed);
    if (!end) {
      console.line(msg::kTryAgain);
      continue;
    }
    if (*end == SessionEnd::kInterrupted) {
      return stop_status();
    }
    if (*end == SessionEnd::kUnprovenServer) {
      return kExitUsage;  // a possible impostor ends the program, not only the session
    }
    // Back to step 1 of SPEC 5.1.
    console.line(texts.banner);
  }
}

}  // namespace

int run_client(const ClientOptions& options) {
  install_signal_handlers();
  set_character_locale();
  const bool script = !options.commands.empty() || ::isatty(STDIN_FILENO) == 0;
  if (options.ca_file && !options.tls) {
    Console(false).error("--ca is for --tls");
    return kExitUsage;
  }
  if (!(options.timeout_seconds > 0.0)) {
    Console(false).error("--timeout must be more than 0 seconds");
    return kExitUsage;
  }
  if (options.address.empty()) {
    if (script || options.user) {
      Console(false).error(
          "give the server's address (tsna HOST:PORT) to run commands from a script or with "
          "--user; without one tsna asks for it at a terminal");
      return kExitUsage;
    }
    return run_seed_flow(options);
  }
  const auto parsed = options.address.size() == 1
                          ? parse_address(options.address[0])
                          : parse_address(options.address[0], options.address[1]);
  std::variant<Address, AddressError> chosen = parsed;
  if (options.tls && std::holds_alternative<AddressError>(parsed)) {
    // A certificate names a host: under --tls a DNS name may stand where the seed wants an IP.
    const std::string joined = options.address.size() == 1
                                   ? options.address[0]
                                   : options.address[0] + ":" + options.address[1];
    if (const std::optional<Address> named = split_host_port(joined)) {
      chosen = resolve_named_address(*named);
    }
  }
  if (const auto* error = std::get_if<AddressError>(&chosen)) {
    Console(false).error(error->message);
    return kExitUsage;
  }
  const Address& address = std::get<Address>(chosen);
  return script ? run_script(address, options) : run_direct(address, options);
}

}  // namespace tsna::client
