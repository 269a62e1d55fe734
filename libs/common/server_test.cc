// In-process tests of what RunServer puts together: the token check in the
// server credentials, the metrics interceptor and the metrics HTTP endpoint.
// tests/security_test.cc and tests/metrics_test.cc do the same against the
// real binaries, with TLS.
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/client.h"
#include "libs/common/grpc_metrics.h"
#include "libs/common/metrics.h"
#include "libs/common/metrics_http.h"
#include "libs/common/server_security.h"

namespace dossier {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Search fails with INVALID_ARGUMENT for the query "bad" and succeeds
// otherwise.
class FakeQueryService final : public query::v1::QueryService::Service {
 public:
  grpc::Status Search(grpc::ServerContext* context, const query::v1::SearchRequest* request,
                      query::v1::SearchResponse* response) override {
    // The token is consumed by the check: handlers never see it.
    saw_authorization_ = context->client_metadata().count("authorization") > 0;
    if (request->query() == "bad") return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad query");
    return grpc::Status::OK;
  }
  bool saw_authorization_ = false;
};

class ServerSecurityTest : public ::testing::Test {
 protected:
  void Start(const ServerSecurity& security) {
    grpc::EnableDefaultHealthCheckService(true);
    metrics_ = std::make_shared<GrpcServerMetrics>(&registry_);
    grpc::ServerBuilder builder;
    auto metrics = metrics_;
    builder.AddListeningPort("127.0.0.1:0",
                             MakeServerCredentials(security,
                                                   [metrics](std::string_view path) {
                                                     metrics->Record(path, grpc::StatusCode::UNAUTHENTICATED,
                                                                     0);
                                                   }),
                             &port_);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
    interceptors.push_back(metrics_->InterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_ != nullptr);
    ASSERT_GT(port_, 0);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  absl::Status Search(const std::string& query, const std::string& token) {
    ClientSecurity security;
    security.auth_token = token;
    QueryClient client(address(), std::chrono::seconds(10), security);
    query::v1::SearchRequest request;
    request.set_query(query);
    return client.Search(request).status();
  }

  metrics::Registry registry_;
  std::shared_ptr<GrpcServerMetrics> metrics_;
  FakeQueryService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

TEST_F(ServerSecurityTest, TokenIsRequiredExceptForHealth) {
  ServerSecurity security;
  security.auth_token = "s3cret";
  Start(security);

  absl::Status missing = Search("x", "");
  EXPECT_EQ(missing.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(missing.message(), "missing authorization metadata: send 'authorization: Bearer <token>'");
  absl::Status wrong = Search("x", "guess");
  EXPECT_EQ(wrong.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.message(), "invalid bearer token");

  EXPECT_TRUE(Search("x", "s3cret").ok());
  EXPECT_FALSE(service_.saw_authorization_);
  EXPECT_EQ(Search("bad", "s3cret").code(), absl::StatusCode::kInvalidArgument);

  auto serving = CheckHealth(address(), "", std::chrono::seconds(5));
  ASSERT_TRUE(serving.ok()) << serving.status();
  EXPECT_TRUE(*serving);

  const std::string text = registry_.Render();
  const std::string prefix =
      "dossier_grpc_server_handled_total{service=\"dossier.query.v1.QueryService\",method=\"Search\",";
  EXPECT_THAT(text, HasSubstr(prefix + "code=\"OK\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(prefix + "code=\"INVALID_ARGUMENT\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(prefix + "code=\"UNAUTHENTICATED\"} 2\n"));
  EXPECT_THAT(
      text, HasSubstr("dossier_grpc_server_handled_total{service=\"grpc.health.v1.Health\",method=\"Check\","
                      "code=\"OK\"} 1\n"));
  EXPECT_THAT(
      text, HasSubstr("dossier_grpc_server_handling_seconds_count{service=\"dossier.query.v1.QueryService\","
                      "method=\"Search\"} 4\n"));
}

TEST_F(ServerSecurityTest, WithoutTokenEveryCallIsServed) {
  Start(ServerSecurity{});
  EXPECT_TRUE(Search("x", "").ok());
  EXPECT_TRUE(Search("x", "anything").ok());
}

TEST_F(ServerSecurityTest, UnknownMethodsShareOneLabelSet) {
  GrpcServerMetrics metrics(&registry_);
  metrics.Record("/made.up.Service/Method1", grpc::StatusCode::UNIMPLEMENTED, 0.001);
  metrics.Record("/made.up.Service/Method2", grpc::StatusCode::UNIMPLEMENTED, 0.001);
  metrics.Record("garbage", grpc::StatusCode::UNAUTHENTICATED, 0);
  const std::string text = registry_.Render();
  EXPECT_THAT(text, HasSubstr("dossier_grpc_server_handled_total{service=\"unknown\",method=\"unknown\","
                              "code=\"UNIMPLEMENTED\"} 2\n"));
  EXPECT_THAT(text, Not(HasSubstr("made.up")));
}

TEST(LoadServerSecurityTest, ConfigurationErrorsNameTheFlag) {
  ServerSecurityFlags only_cert;
  only_cert.tls_cert = "/some/cert.pem";
  EXPECT_EQ(LoadServerSecurity(only_cert).status().message(),
            "--tls_cert is set but --tls_key is not: TLS needs both");
  ServerSecurityFlags only_key;
  only_key.tls_key = "/some/key.pem";
  EXPECT_THAT(std::string(LoadServerSecurity(only_key).status().message()),
              HasSubstr("--tls_key is set but --tls_cert is not"));
  ServerSecurityFlags ca_without_tls;
  ca_without_tls.tls_client_ca = "/some/ca.pem";
  EXPECT_THAT(std::string(LoadServerSecurity(ca_without_tls).status().message()),
              HasSubstr("--tls_client_ca needs TLS"));
  ServerSecurityFlags missing;
  missing.tls_cert = "/nonexistent/cert.pem";
  missing.tls_key = "/nonexistent/key.pem";
  EXPECT_THAT(std::string(LoadServerSecurity(missing).status().message()),
              HasSubstr("--tls_cert=/nonexistent/cert.pem: cannot read"));
  ServerSecurityFlags token;
  token.auth_token = "abc";
  auto loaded = LoadServerSecurity(token);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->auth_token, "abc");
  EXPECT_FALSE(loaded->tls());
}

TEST(LoadClientSecurityTest, ConfigurationErrorsNameTheFlag) {
  ClientSecurityFlags cert_without_ca;
  cert_without_ca.tls_cert = "/c.pem";
  cert_without_ca.tls_key = "/k.pem";
  EXPECT_THAT(std::string(LoadClientSecurity(cert_without_ca).status().message()),
              HasSubstr("--tls_cert needs --tls_ca"));
  ClientSecurityFlags name_without_ca;
  name_without_ca.tls_server_name = "query";
  EXPECT_THAT(std::string(LoadClientSecurity(name_without_ca).status().message()),
              HasSubstr("--tls_server_name needs --tls_ca"));
  ClientSecurityFlags missing_ca;
  missing_ca.tls_ca = "/nonexistent/ca.pem";
  EXPECT_THAT(std::string(LoadClientSecurity(missing_ca).status().message()),
              HasSubstr("--tls_ca=/nonexistent/ca.pem: cannot read"));
  auto plain = LoadClientSecurity({});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->tls());
}

TEST(MetricsHttpServerTest, ServesMetricsHealthzAndNotFound) {
  metrics::Registry registry;
  registry.AddCounter("test_requests_total", "Requests")->Get()->Increment(5);
  auto server = MetricsHttpServer::Start("127.0.0.1", 0, &registry);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);

  httplib::Client client("127.0.0.1", (*server)->port());
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(metrics->body, registry.Render());
  EXPECT_THAT(metrics->body, HasSubstr("test_requests_total 5\n"));

  auto healthz = client.Get("/healthz");
  ASSERT_TRUE(healthz);
  EXPECT_EQ(healthz->status, 200);
  EXPECT_EQ(healthz->body, "ok\n");
  auto root = client.Get("/");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->status, 200);

  auto unknown = client.Get("/nope");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);

  // /healthz follows the serving callback.
  std::atomic<bool> serving{false};
  auto probed = MetricsHttpServer::Start("127.0.0.1", 0, &registry, [&serving] { return serving.load(); });
  ASSERT_TRUE(probed.ok()) << probed.status();
  httplib::Client probe("127.0.0.1", (*probed)->port());
  auto not_yet = probe.Get("/healthz");
  ASSERT_TRUE(not_yet);
  EXPECT_EQ(not_yet->status, 503);
  EXPECT_EQ(not_yet->body, "not serving\n");
  serving = true;
  auto now = probe.Get("/healthz");
  ASSERT_TRUE(now);
  EXPECT_EQ(now->status, 200);

  // The port is taken now: a second server cannot bind it.
  auto second = MetricsHttpServer::Start("127.0.0.1", (*server)->port(), &registry);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("cannot listen for metrics on 127.0.0.1:"));
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("--metrics_port"));
}

}  // namespace
}  // namespace dossier
