// service_notify.hpp - tells the service manager how this process is doing (systemd's
// Type=notify protocol, sd_notify(3)): one datagram of "KEY=VALUE" lines to the unix socket
// that $NOTIFY_SOCKET names. Written natively (docs/OPERATIONS.md says why); in server/ since
// it is a socket and tsna-server its only user; depends on nothing above POSIX.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tsna {

// The environment variable a service manager sets for a Type=notify service.
inline constexpr char kNotifySocketVariable[] = "NOTIFY_SOCKET";

// Sends `state` (e.g. "READY=1\nSTATUS=...") to the socket $NOTIFY_SOCKET names: a path
// ("/run/systemd/notify") or an abstract name ("@name"). Returns nullopt when it was sent or
// when there is no service manager to tell (the variable unset or empty); otherwise why it
// could not be sent. Thread safe; a blocking call that returns at once (datagrams never wait
// for the reader).
std::optional<std::string> notify_service_manager(std::string_view state);

}  // namespace tsna
