#include "libs/common/server.h"

#include <signal.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "libs/common/grpc_metrics.h"
#include "libs/common/logging.h"
#include "libs/common/metrics.h"
#include "libs/common/metrics_http.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, host, "0.0.0.0",
          "Address to listen on (0.0.0.0: all interfaces; 127.0.0.1: this machine only)");
ABSL_FLAG(std::string, port_file, "",
          "If set, write the bound port to this file once serving (useful with --port=0)");
ABSL_FLAG(int, max_message_bytes, 16 * 1024 * 1024, "Largest request or response message, in bytes");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "After SIGTERM, how long in-flight calls may take before they are cancelled");
ABSL_FLAG(std::string, log_format, "text", "Log format: text (human-readable) or json (one object per line)");
ABSL_FLAG(std::string, log_level, "info", "Log level: trace, debug, info, warn, error or off");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate (chain) of this server; with --tls_key serves TLS instead of plaintext. Also "
          "presented as the client certificate when this service calls others with --tls_ca");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificate(s): require clients to present a certificate signed by one of them (mutual "
          "TLS; needs --tls_cert and --tls_key)");
ABSL_FLAG(std::string, auth_token, "",
          "Shared bearer token: every call except grpc.health.v1.Health must send 'authorization: Bearer "
          "<token>' (and this service sends it on its own calls). Prefer --auth_token_file");
ABSL_FLAG(std::string, auth_token_file, "",
          "File holding the shared bearer token (surrounding whitespace and the trailing newline are "
          "ignored); set it or --auth_token, not both");
ABSL_FLAG(std::optional<int>, metrics_port, std::nullopt,
          "Port of the HTTP endpoint serving Prometheus metrics at /metrics, on --host (default: 9151 "
          "ingest, 9152 entity, 9153 query; 0 picks a free port; -1 turns it off)");
ABSL_FLAG(std::string, metrics_port_file, "",
          "If set, write the bound metrics port to this file once serving (useful with --metrics_port=0)");

#ifndef DOSSIER_VERSION
#define DOSSIER_VERSION "unknown"
#endif

namespace dossier {

void ConfigurationError(const std::string& message) {
  spdlog::critical("{}", message);
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, message.c_str());
  std::exit(2);
}

namespace {

void WritePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp) << port << "\n";
  std::rename(tmp.c_str(), path.c_str());
}

}  // namespace

ServerOptions ServerOptionsFromFlags(const std::string& service, int port, int default_metrics_port) {
  ServerOptions options;
  options.service = service;
  options.host = absl::GetFlag(FLAGS_host);
  options.port = port;
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.shutdown_grace_seconds = absl::GetFlag(FLAGS_shutdown_grace_seconds);
  options.metrics_port = absl::GetFlag(FLAGS_metrics_port).value_or(default_metrics_port);
  options.metrics_port_file = absl::GetFlag(FLAGS_metrics_port_file);
  if (options.metrics_port < -1 || options.metrics_port > 65535) {
    ConfigurationError(
        absl::StrCat("--metrics_port=", options.metrics_port,
                     " is not a port (0 picks a free one, -1 turns the metrics endpoint off)"));
  }
  ServerSecurityFlags flags;
  flags.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  flags.tls_key = absl::GetFlag(FLAGS_tls_key);
  flags.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  flags.auth_token = absl::GetFlag(FLAGS_auth_token);
  flags.auth_token_file = absl::GetFlag(FLAGS_auth_token_file);
  absl::StatusOr<ServerSecurity> security = LoadServerSecurity(flags);
  if (!security.ok()) ConfigurationError(std::string(security.status().message()));
  options.security = *std::move(security);
  return options;
}

void InitServiceLogging(const std::string& service) {
  absl::Status st = SetupLogging(service, absl::GetFlag(FLAGS_log_format), absl::GetFlag(FLAGS_log_level));
  if (!st.ok()) {
    std::fprintf(stderr, "%s: %s\n", service.c_str(), std::string(st.message()).c_str());
    std::exit(2);
  }
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

absl::Status RunServer(const ServerOptions& options, const std::vector<grpc::Service*>& services,
                       const std::vector<std::string>& health_names,
                       const std::function<void()>& on_shutdown) {
  // Link the generated health descriptors so reflection can describe
  // grpc.health.v1.Health (gRPC's own health service is built on upb).
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  metrics::Registry& registry = metrics::DefaultRegistry();
  metrics::RegisterProcessMetrics(&registry, options.service, DOSSIER_VERSION);
  auto grpc_metrics = std::make_shared<GrpcServerMetrics>(&registry);
  // What /healthz says: the whole server's health status.
  auto serving = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<MetricsHttpServer> metrics_server;
  if (options.metrics_port >= 0) {
    absl::StatusOr<std::unique_ptr<MetricsHttpServer>> started = MetricsHttpServer::Start(
        options.host, options.metrics_port, &registry, [serving] { return serving->load(); });
    if (!started.ok()) return started.status();
    metrics_server = *std::move(started);
  }

  grpc::ServerBuilder builder;
  int bound_port = 0;
  const std::string address = absl::StrCat(options.host, ":", options.port);
  // Calls refused for their token never reach the interceptors: count them here.
  auto credentials = MakeServerCredentials(options.security, [grpc_metrics](std::string_view method_path) {
    grpc_metrics->Record(method_path, grpc::StatusCode::UNAUTHENTICATED, 0);
  });
  builder.AddListeningPort(address, credentials, &bound_port);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  // Ask clients to reconnect every few minutes (calls in flight finish), so
  // that behind a Kubernetes Service new replicas get connections too.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, 5 * 60 * 1000);
  // gRPC sets SO_REUSEPORT by default: a second server (a stale process, a
  // test's other service) could then bind the same port and silently take
  // half the connections. A taken port must be a start-up error instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(grpc_metrics->InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address, " (is the port in use?)"));
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus("", true);
  for (const std::string& name : health_names) health->SetServingStatus(name, true);
  serving->store(true);

  if (metrics_server) {
    if (!options.metrics_port_file.empty()) WritePortFile(options.metrics_port_file, metrics_server->port());
    spdlog::info("metrics on http://{}:{}/metrics", options.host, metrics_server->port());
  }
  if (!options.port_file.empty()) WritePortFile(options.port_file, bound_port);
  const ServerSecurity& security = options.security;
  spdlog::info("{}{}; {}", security.tls() ? "TLS" : "plaintext (no TLS)",
               security.client_ca_pem.empty() ? "" : " with client certificates required",
               security.auth_token.empty() ? "no token required" : "bearer token required");
  spdlog::info("serving on {}:{}", options.host, bound_port);

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  spdlog::info("received {}, shutting down (grace {}s)", signal_number == SIGTERM ? "SIGTERM" : "SIGINT",
               options.shutdown_grace_seconds);
  health->SetServingStatus("", false);
  for (const std::string& name : health_names) health->SetServingStatus(name, false);
  serving->store(false);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(options.shutdown_grace_seconds));
  if (on_shutdown) on_shutdown();
  server->Wait();
  spdlog::info("stopped");
  return absl::OkStatus();
}

}  // namespace dossier
