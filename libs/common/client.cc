#include "libs/common/client.h"

#include "grpc/health/v1/health.grpc.pb.h"

namespace dossier {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

IngestClient::IngestClient(const std::string& address, std::chrono::milliseconds timeout)
    : stub_(ingest::v1::IngestService::NewStub(MakeChannel(address))), timeout_(timeout) {}
EntityClient::EntityClient(const std::string& address, std::chrono::milliseconds timeout)
    : stub_(entity::v1::EntityService::NewStub(MakeChannel(address))), timeout_(timeout) {}
QueryClient::QueryClient(const std::string& address, std::chrono::milliseconds timeout)
    : stub_(query::v1::QueryService::NewStub(MakeChannel(address))), timeout_(timeout) {}

absl::StatusOr<bool> CheckHealth(const std::string& address, const std::string& service,
                                 std::chrono::milliseconds timeout) {
  auto stub = grpc::health::v1::Health::NewStub(MakeChannel(address));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  auto response = CallUnary(stub.get(), &grpc::health::v1::Health::Stub::Check, request, timeout);
  if (!response.ok()) return response.status();
  return response->status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

}  // namespace dossier
