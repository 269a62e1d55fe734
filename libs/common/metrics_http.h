#ifndef DOSSIER_LIBS_COMMON_METRICS_HTTP_H_
#define DOSSIER_LIBS_COMMON_METRICS_HTTP_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "libs/common/metrics.h"

namespace httplib {
class Server;
}

namespace dossier {

// A small HTTP server (cpp-httplib) for Prometheus:
//   GET /metrics         the registry in the text exposition format 0.0.4
//   GET / and /healthz   200 "ok" while `serving` says so, else 503 "not
//                        serving" (a probe for Kubernetes, whose gRPC
//                        probes cannot speak TLS)
// and 404 for anything else. Plain HTTP without authentication: scrapers
// reach it over the cluster network, so restrict it there (NetworkPolicy)
// or bind it to 127.0.0.1. Serves from its own threads until destroyed.
class MetricsHttpServer {
 public:
  // Binds `host`:`port` (0: a free port) and starts serving `registry`,
  // which must outlive the server; `serving` (called from the server's
  // threads; null: always serving) answers /healthz. UNAVAILABLE naming the
  // address when the port cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const std::string& host, int port,
                                                                  const metrics::Registry* registry,
                                                                  std::function<bool()> serving = nullptr);
  ~MetricsHttpServer();  // stops serving and joins the threads
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  // The bound port.
  int port() const { return port_; }

 private:
  MetricsHttpServer() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_METRICS_HTTP_H_
