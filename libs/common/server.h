#ifndef DOSSIER_LIBS_COMMON_SERVER_H_
#define DOSSIER_LIBS_COMMON_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "libs/common/server_security.h"

namespace dossier {

// What every Dossier server shares: where it listens, limits, security,
// metrics and how it stops. Filled from the common flags (--host,
// --port_file, --max_message_bytes, --shutdown_grace_seconds, --tls_cert,
// --tls_key, --tls_client_ca, --auth_token, --auth_token_file,
// --metrics_port, --metrics_port_file) by ServerOptionsFromFlags.
struct ServerOptions {
  // Short name of the service ("ingest"): the service label of
  // dossier_build_info.
  std::string service;
  std::string host = "0.0.0.0";
  // 0 picks a free port; the chosen one is logged and written to port_file.
  int port = 0;
  // If set, the bound port is written here once the server is serving.
  std::string port_file;
  int max_message_bytes = 16 * 1024 * 1024;
  // How long in-flight calls may run after SIGTERM before they are cancelled.
  int shutdown_grace_seconds = 10;
  // TLS, client certificates and the bearer token; default: plaintext, none.
  ServerSecurity security;
  // Port of the HTTP endpoint serving GET /metrics on `host`: -1 none, 0 a
  // free one (logged and written to metrics_port_file).
  int metrics_port = -1;
  std::string metrics_port_file;
};

// Options from the common server flags, with `port` from the service's own
// --port flag and `default_metrics_port` used when --metrics_port is not set.
// A bad security flag (a missing, unreadable or non-PEM file, --tls_cert
// without --tls_key, both --auth_token and --auth_token_file...) or a
// --metrics_port out of range is fatal: exit status 2 and a message naming
// the flag. Call it early in main(), before slow start-up work.
ServerOptions ServerOptionsFromFlags(const std::string& service, int port, int default_metrics_port);

// Logs `message` as critical, prints "<program>: <message>" on stderr and
// exits with status 2: a bad setting stops a service at start-up.
[[noreturn]] void ConfigurationError(const std::string& message);

// Sets up logging from --log_format and --log_level; exits with status 2 and a
// message on a bad value (configuration errors are fatal at start-up).
void InitServiceLogging(const std::string& service);

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
// afterwards, so RunServer can wait for them. Call first thing in main().
void BlockTerminationSignals();

// Builds a server with `services`, gRPC server reflection and the standard
// health service (each name in `health_names` and "" reported SERVING), with
// the security of `options.security` and gRPC metrics (see
// libs/common/grpc_metrics.h) recorded in metrics::DefaultRegistry(), which
// is served over HTTP on `options.metrics_port` along with process metrics
// and whatever the service added to it. Serves until SIGTERM or SIGINT.
// Then it reports NOT_SERVING, stops taking new calls, lets in-flight calls
// finish within the grace period, calls `on_shutdown` (stop background
// work), and returns. An error if the gRPC
// or the metrics port cannot be bound.
absl::Status RunServer(const ServerOptions& options, const std::vector<grpc::Service*>& services,
                       const std::vector<std::string>& health_names,
                       const std::function<void()>& on_shutdown = nullptr);

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_SERVER_H_
