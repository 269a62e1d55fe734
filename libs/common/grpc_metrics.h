#ifndef DOSSIER_LIBS_COMMON_GRPC_METRICS_H_
#define DOSSIER_LIBS_COMMON_GRPC_METRICS_H_

#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <string_view>

#include "libs/common/metrics.h"

namespace dossier {

// Counts and times every call a gRPC server handles, in `registry`:
//   dossier_grpc_server_handled_total{service,method,code}  counter
//   dossier_grpc_server_handling_seconds{service,method}    histogram
// `service` is the full gRPC service name (dossier.query.v1.QueryService),
// `code` the status code name (OK, INVALID_ARGUMENT, ...). A method that is
// not in the generated descriptor pool is recorded as service and method
// "unknown", so that made-up paths cannot add label sets without bound.
// Thread-safe; must outlive the server it is installed in.
class GrpcServerMetrics {
 public:
  explicit GrpcServerMetrics(metrics::Registry* registry);

  // Records one finished call; `method_path` is "/package.Service/Method".
  void Record(std::string_view method_path, grpc::StatusCode code, double seconds);

  // An interceptor factory that calls Record for every call when its status
  // is sent, for ServerBuilder::experimental().SetInterceptorCreators. Calls
  // rejected before they reach the server (by the token check) are recorded
  // by whoever rejects them.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> InterceptorFactory();

 private:
  metrics::Family<metrics::Counter>* handled_;
  metrics::Family<metrics::Histogram>* handling_seconds_;
};

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_GRPC_METRICS_H_
