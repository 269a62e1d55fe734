#include "libs/common/grpc_metrics.h"

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"

namespace dossier {
namespace {

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(GrpcServerMetrics* metrics, const char* method)
      : metrics_(metrics),
        method_(method != nullptr ? method : ""),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
      metrics_->Record(method_, methods->GetSendStatus().error_code(), elapsed.count());
    }
    methods->Proceed();
  }

 private:
  GrpcServerMetrics* const metrics_;
  const std::string method_;
  const std::chrono::steady_clock::time_point start_;
};

class MetricsInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(GrpcServerMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, info->method());
  }

 private:
  GrpcServerMetrics* const metrics_;
};

}  // namespace

GrpcServerMetrics::GrpcServerMetrics(metrics::Registry* registry)
    : handled_(registry->AddCounter("dossier_grpc_server_handled_total",
                                    "gRPC calls completed by the server, by method and status code",
                                    {"service", "method", "code"})),
      handling_seconds_(registry->AddHistogram("dossier_grpc_server_handling_seconds",
                                               "Time from the start of a gRPC call to its status, in seconds",
                                               {"service", "method"}, metrics::LatencyBuckets())) {}

void GrpcServerMetrics::Record(std::string_view method_path, grpc::StatusCode code, double seconds) {
  // "/package.Service/Method"
  std::string service = "unknown", method = "unknown";
  const size_t slash = method_path.rfind('/');
  if (method_path.size() > 1 && method_path[0] == '/' && slash != std::string_view::npos && slash > 1) {
    const std::string_view s = method_path.substr(1, slash - 1);
    const std::string_view m = method_path.substr(slash + 1);
    std::string full_name(s);
    full_name.append(".").append(m);
    if (google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full_name) != nullptr) {
      service = std::string(s);
      method = std::string(m);
    }
  }
  const std::string code_name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  handled_->WithLabels({service, method, code_name})->Increment();
  handling_seconds_->WithLabels({service, method})->Observe(seconds);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
GrpcServerMetrics::InterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(this);
}

}  // namespace dossier
