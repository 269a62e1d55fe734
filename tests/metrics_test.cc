// The Prometheus endpoint of the real binaries: gRPC call counters and
// latency histograms, the services' own gauges, and start-up errors.
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/client.h"
#include "tests/support/process.h"

namespace dossier {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string Scrape(const testing::ServiceProcess& service) {
  EXPECT_GT(service.metrics_port(), 0) << "no metrics port file";
  auto response = testing::HttpGet(service.metrics_port(), "/metrics");
  EXPECT_TRUE(response.ok()) << response.status();
  if (!response.ok()) return "";
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->content_type, "text/plain; version=0.0.4; charset=utf-8");
  return response->body;
}

// The value of the sample line that starts with `series` ("name{labels}"),
// or NaN when there is none.
double Value(const std::string& text, const std::string& series) {
  const std::string prefix = series + " ";
  size_t at = text.rfind("\n" + prefix);
  if (at != std::string::npos) {
    ++at;
  } else if (text.compare(0, prefix.size(), prefix) == 0) {
    at = 0;
  } else {
    return std::nan("");
  }
  return std::strtod(text.c_str() + at + prefix.size(), nullptr);
}

class MetricsEndpointTest : public ::testing::Test {
 protected:
  void TearDown() override { testing::RemoveTree(data_dir_); }
  std::unique_ptr<testing::ServiceProcess> StartQuery(std::vector<std::string> args = {}) {
    data_dir_ = testing::MakeTempDir("dossier-metrics");
    args.push_back("--data_dir=" + data_dir_);
    auto query =
        std::make_unique<testing::ServiceProcess>("dossier-query", "dossier.query.v1.QueryService", args);
    absl::Status started = query->Start();
    EXPECT_TRUE(started.ok()) << started;
    return query;
  }
  std::string data_dir_;
};

TEST_F(MetricsEndpointTest, CountsAndTimesEveryCallByMethodAndCode) {
  if (testing::UsePostgres()) GTEST_SKIP() << "storage-independent; runs in the SQLite pass";
  auto query = StartQuery();
  ASSERT_TRUE(query->running());
  QueryClient client(query->address());
  query::v1::SearchRequest search;
  search.set_query("treaty");
  ASSERT_TRUE(client.Search(search).ok());
  ASSERT_TRUE(client.Search(search).ok());
  EXPECT_EQ(client.Search(query::v1::SearchRequest()).status().code(),
            absl::StatusCode::kInvalidArgument);  // nothing to search for
  query::v1::GetDocumentRequest get;
  get.set_document_id("d-0000000000000000");
  EXPECT_EQ(client.GetDocument(get).status().code(), absl::StatusCode::kNotFound);

  const std::string text = Scrape(*query);
  const std::string search_labels = "service=\"dossier.query.v1.QueryService\",method=\"Search\"";
  EXPECT_THAT(text, HasSubstr("# TYPE dossier_grpc_server_handled_total counter\n"));
  EXPECT_EQ(Value(text, "dossier_grpc_server_handled_total{" + search_labels + ",code=\"OK\"}"), 2) << text;
  EXPECT_EQ(Value(text, "dossier_grpc_server_handled_total{" + search_labels + ",code=\"INVALID_ARGUMENT\"}"),
            1);
  EXPECT_EQ(Value(text,
                  "dossier_grpc_server_handled_total{service=\"dossier.query.v1.QueryService\","
                  "method=\"GetDocument\",code=\"NOT_FOUND\"}"),
            1);
  // The health checks of ServiceProcess::Start are counted too.
  EXPECT_GE(Value(text,
                  "dossier_grpc_server_handled_total{service=\"grpc.health.v1.Health\",method=\"Check\","
                  "code=\"OK\"}"),
            1);

  EXPECT_THAT(text, HasSubstr("# TYPE dossier_grpc_server_handling_seconds histogram\n"));
  EXPECT_GE(Value(text, "dossier_grpc_server_handling_seconds_bucket{" + search_labels + ",le=\"0.0005\"}"),
            0);
  EXPECT_EQ(Value(text, "dossier_grpc_server_handling_seconds_bucket{" + search_labels + ",le=\"10\"}"), 3);
  EXPECT_EQ(Value(text, "dossier_grpc_server_handling_seconds_bucket{" + search_labels + ",le=\"+Inf\"}"), 3);
  EXPECT_EQ(Value(text, "dossier_grpc_server_handling_seconds_count{" + search_labels + "}"), 3);
  const double sum = Value(text, "dossier_grpc_server_handling_seconds_sum{" + search_labels + "}");
  EXPECT_GT(sum, 0);
  EXPECT_LT(sum, 30);

  EXPECT_EQ(Value(text, "dossier_index_documents"), 0);
  EXPECT_THAT(text, HasSubstr("\ndossier_build_info{service=\"query\",version=\""));
  EXPECT_GT(Value(text, "process_resident_memory_bytes"), 1 << 20);
  EXPECT_GT(Value(text, "process_start_time_seconds"), 1577836800);

  auto healthz = testing::HttpGet(query->metrics_port(), "/healthz");
  ASSERT_TRUE(healthz.ok()) << healthz.status();
  EXPECT_EQ(healthz->status, 200);
  EXPECT_EQ(healthz->body, "ok\n");
  auto unknown = testing::HttpGet(query->metrics_port(), "/metrics/extra");
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_EQ(unknown->status, 404);
}

TEST_F(MetricsEndpointTest, MetricsPortInUseIsAStartUpError) {
  if (testing::UsePostgres()) GTEST_SKIP() << "storage-independent; runs in the SQLite pass";
  auto first = StartQuery();
  ASSERT_GT(first->metrics_port(), 0);
  const std::string dir = testing::MakeTempDir("dossier-metrics2");
  auto second = testing::RunCommand({"dossier-query", "--host=127.0.0.1", "--port=0", "--data_dir=" + dir,
                                     absl::StrCat("--metrics_port=", first->metrics_port())},
                                    {}, std::chrono::seconds(30));
  testing::RemoveTree(dir);
  EXPECT_EQ(second.exit_code, 1) << second.err;
  EXPECT_THAT(second.err,
              HasSubstr(absl::StrCat("cannot listen for metrics on 127.0.0.1:", first->metrics_port())));
}

TEST_F(MetricsEndpointTest, MinusOneTurnsTheEndpointOff) {
  if (testing::UsePostgres()) GTEST_SKIP() << "storage-independent; runs in the SQLite pass";
  auto query = StartQuery({"--metrics_port=-1"});
  ASSERT_TRUE(query->running());
  EXPECT_EQ(query->metrics_port(), 0);
  EXPECT_THAT(query->Log(), Not(HasSubstr("metrics on http")));
}

// Each service's own gauges after one document went through the pipeline.
TEST_F(MetricsEndpointTest, ServiceGaugesFollowThePipeline) {
  testing::Cluster cluster;
  absl::Status started = cluster.Start();
  ASSERT_TRUE(started.ok()) << started;
  IngestClient ingest(cluster.ingest().address(), std::chrono::seconds(60));
  ingest::v1::IngestRequest request;
  request.set_body(
      "Ministers meet in Geneva\n\n2002-03-04 10:00\n\nForeign ministers met in Geneva on Monday.");
  request.set_wait_for_indexing(true);
  auto response = ingest.Ingest(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->state(), common::v1::DOCUMENT_STATE_INDEXED);
  EXPECT_FALSE(ingest.Ingest(ingest::v1::IngestRequest()).ok());  // empty body: INVALID_ARGUMENT

  const std::string ingest_text = Scrape(cluster.ingest());
  EXPECT_THAT(ingest_text, HasSubstr("# TYPE dossier_pipeline_documents gauge\n"));
  EXPECT_EQ(Value(ingest_text, "dossier_pipeline_documents{state=\"indexed\"}"), 1) << ingest_text;
  EXPECT_EQ(Value(ingest_text, "dossier_pipeline_documents{state=\"received\"}"), 0);
  EXPECT_EQ(Value(ingest_text, "dossier_pipeline_documents{state=\"annotated\"}"), 0);
  EXPECT_EQ(Value(ingest_text, "dossier_pipeline_documents{state=\"failed\"}"), 0);
  const std::string ingest_labels = "service=\"dossier.ingest.v1.IngestService\",method=\"Ingest\"";
  EXPECT_EQ(Value(ingest_text, "dossier_grpc_server_handled_total{" + ingest_labels + ",code=\"OK\"}"), 1);
  EXPECT_EQ(Value(ingest_text,
                  "dossier_grpc_server_handled_total{" + ingest_labels + ",code=\"INVALID_ARGUMENT\"}"),
            1);
  EXPECT_THAT(ingest_text, HasSubstr("dossier_build_info{service=\"ingest\","));

  const std::string entity_text = Scrape(cluster.entity());
  EXPECT_GT(Value(entity_text, "dossier_kb_entities"), 100) << entity_text;
  EXPECT_EQ(Value(entity_text,
                  "dossier_grpc_server_handled_total{service=\"dossier.entity.v1.EntityService\","
                  "method=\"Annotate\",code=\"OK\"}"),
            1);

  const std::string query_text = Scrape(cluster.query());
  EXPECT_EQ(Value(query_text, "dossier_index_documents"), 1) << query_text;
  EXPECT_EQ(Value(query_text,
                  "dossier_grpc_server_handled_total{service=\"dossier.query.v1.QueryService\","
                  "method=\"Index\",code=\"OK\"}"),
            1);
}

}  // namespace
}  // namespace dossier
