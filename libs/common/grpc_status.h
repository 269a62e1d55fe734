#ifndef DOSSIER_LIBS_COMMON_GRPC_STATUS_H_
#define DOSSIER_LIBS_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace dossier {

// absl and gRPC share the canonical code numbers, so the mapping is direct.
inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

inline absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_GRPC_STATUS_H_
