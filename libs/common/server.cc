#include "libs/common/server.h"

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "libs/common/logging.h"
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

namespace dossier {

ServerOptions ServerOptionsFromFlags(int port) {
  ServerOptions options;
  options.host = absl::GetFlag(FLAGS_host);
  options.port = port;
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.shutdown_grace_seconds = absl::GetFlag(FLAGS_shutdown_grace_seconds);
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

  grpc::ServerBuilder builder;
  int bound_port = 0;
  const std::string address = absl::StrCat(options.host, ":", options.port);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &bound_port);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address, " (is the port in use?)"));
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus("", true);
  for (const std::string& name : health_names) health->SetServingStatus(name, true);

  if (!options.port_file.empty()) {
    const std::string tmp = options.port_file + ".tmp";
    std::ofstream(tmp) << bound_port << "\n";
    std::rename(tmp.c_str(), options.port_file.c_str());
  }
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
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(options.shutdown_grace_seconds));
  if (on_shutdown) on_shutdown();
  server->Wait();
  spdlog::info("stopped");
  return absl::OkStatus();
}

}  // namespace dossier
