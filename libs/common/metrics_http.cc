#include "libs/common/metrics_http.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>

#include "absl/strings/str_cat.h"

namespace dossier {

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(const std::string& host, int port,
                                                                            const metrics::Registry* registry,
                                                                            std::function<bool()> serving) {
  std::unique_ptr<MetricsHttpServer> self(new MetricsHttpServer());
  self->server_ = std::make_unique<httplib::Server>();
  httplib::Server& server = *self->server_;
  // Scrapes are rare and cheap: a few threads are plenty.
  server.new_task_queue = [] { return new httplib::ThreadPool(4); };
  server.Get("/metrics", [registry](const httplib::Request&, httplib::Response& response) {
    response.set_content(registry->Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  auto health = [serving = std::move(serving)](const httplib::Request&, httplib::Response& response) {
    if (!serving || serving()) {
      response.set_content("ok\n", "text/plain; charset=utf-8");
    } else {
      response.status = 503;
      response.set_content("not serving\n", "text/plain; charset=utf-8");
    }
  };
  server.Get("/", health);
  server.Get("/healthz", health);
  // Unknown paths get httplib's 404; give it a body that says what exists.
  server.set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (response.status == 404) {
      response.set_content("not found; try /metrics\n", "text/plain; charset=utf-8");
    }
  });
  // httplib's default also sets SO_REUSEPORT, which would let a second
  // process bind the same port and take half of the scrapes; keep only
  // SO_REUSEADDR (fast restarts).
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen for metrics on ", host, ":", port,
                                               " (is the port in use? set --metrics_port, "
                                               "0 for a free port, -1 for no metrics endpoint)"));
  }
  self->port_ = bound;
  self->thread_ = std::thread([&server] { server.listen_after_bind(); });
  // stop() only stops a server that is running: wait for it to be, so that
  // destroying the server right away cannot leave the thread listening.
  for (int i = 0; i < 5000 && !server.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return self;
}

MetricsHttpServer::~MetricsHttpServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace dossier
