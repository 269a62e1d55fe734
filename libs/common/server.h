#ifndef DOSSIER_LIBS_COMMON_SERVER_H_
#define DOSSIER_LIBS_COMMON_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace dossier {

// What every Dossier server shares: where it listens, limits and how it stops.
// Filled from the common flags (--host, --port_file, --max_message_bytes,
// --shutdown_grace_seconds) by ServerOptionsFromFlags.
struct ServerOptions {
  std::string host = "0.0.0.0";
  // 0 picks a free port; the chosen one is logged and written to port_file.
  int port = 0;
  // If set, the bound port is written here once the server is serving.
  std::string port_file;
  int max_message_bytes = 16 * 1024 * 1024;
  // How long in-flight calls may run after SIGTERM before they are cancelled.
  int shutdown_grace_seconds = 10;
};

// Options from the common server flags, with `port` from the service's own
// --port flag.
ServerOptions ServerOptionsFromFlags(int port);

// Sets up logging from --log_format and --log_level; exits with status 2 and a
// message on a bad value (configuration errors are fatal at start-up).
void InitServiceLogging(const std::string& service);

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
// afterwards, so RunServer can wait for them. Call first thing in main().
void BlockTerminationSignals();

// Builds a server with `services`, gRPC server reflection and the standard
// health service (each name in `health_names` and "" reported SERVING), and
// serves until SIGTERM or SIGINT. Then it reports NOT_SERVING, stops taking
// new calls, lets in-flight calls finish within the grace period, calls
// `on_shutdown` (stop background work), and returns. An error if the port
// cannot be bound.
absl::Status RunServer(const ServerOptions& options, const std::vector<grpc::Service*>& services,
                       const std::vector<std::string>& health_names,
                       const std::function<void()>& on_shutdown = nullptr);

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_SERVER_H_
