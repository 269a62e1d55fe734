// Replicas with real processes on one PostgreSQL database: two ingest, two
// entity and two query processes. Pipeline work is claimed through the
// database, so without failures every document is annotated and indexed
// exactly once; when an ingest replica is killed with SIGKILL mid-batch, the
// other finishes its documents once their claims expire. Curation made
// through one entity replica reaches the other. On SQLite these tests skip:
// replicas need a shared database.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "libs/common/client.h"
#include "libs/common/pg_testing.h"
#include "tests/support/process.h"

namespace dossier {
namespace {

using testing::ServiceProcess;

// Generous, so that under a loaded ctest -j no call outlives its deadline or
// its claim (which would make the exactly-once counts below miss by one):
// the kill test waits one lease for the takeover.
constexpr int kCallTimeoutMs = 4000;
constexpr int kClaimLeaseMs = 2 * kCallTimeoutMs + 1000;

bool WaitUntil(const std::function<bool()>& condition, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

// The sum of a counter's samples whose labels include every `labels` entry,
// read from a service's /metrics endpoint; -1 if it cannot be read.
double ScrapeCounter(const ServiceProcess& process, const std::string& name,
                     const std::vector<std::string>& labels) {
  httplib::Client http("127.0.0.1", process.metrics_port());
  http.set_connection_timeout(5);
  auto response = http.Get("/metrics");
  if (!response || response->status != 200) return -1;
  double sum = 0;
  std::istringstream lines(response->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + "{", 0) != 0) continue;
    bool all = true;
    for (const auto& label : labels) all = all && line.find(label) != std::string::npos;
    if (!all) continue;
    double value = 0;
    if (absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &value)) sum += value;
  }
  return sum;
}

double CallsOf(const std::vector<ServiceProcess*>& replicas, const std::string& method) {
  double total = 0;
  for (const auto* replica : replicas) {
    const double calls = ScrapeCounter(*replica, "dossier_grpc_server_handled_total",
                                       {"method=\"" + method + "\"", "code=\"OK\""});
    if (calls < 0) return -1;
    total += calls;
  }
  return total;
}

std::string Article(int i) {
  return absl::StrCat("Replica report ", i, "\n\nPosted March 3, 2002\n\n",
                      "Officials from China and Russia met in Moscow on Tuesday for round ", i,
                      " of the replica talks. The codeword of this round was quillon", i,
                      ", the delegations said after the meeting.");
}

// Two of each service on one new database, started concurrently (so their
// migrations race), each ingest replica talking to its own entity and query
// replica.
class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::UsePostgres()) GTEST_SKIP() << "replicas need a shared PostgreSQL database (the postgresql. run)";
    if (dossier::testing::TestPostgresUrl().empty()) GTEST_SKIP() << dossier::testing::kNoPostgresMessage;
    auto url = dossier::testing::CreateTestDatabase("replicas");
    ASSERT_TRUE(url.ok()) << url.status();
    db_ = "--db=" + *url;
    data_dir_ = testing::MakeTempDir("dossier-replicas");
    for (int i = 0; i < 2; ++i) {
      entity_[i] = std::make_unique<ServiceProcess>(
          "dossier-entity", "dossier.entity.v1.EntityService",
          std::vector<std::string>{db_, "--data_dir=" + data_dir_, "--kb_poll_interval_ms=200"});
      query_[i] = std::make_unique<ServiceProcess>("dossier-query", "dossier.query.v1.QueryService",
                                                   std::vector<std::string>{db_, "--data_dir=" + data_dir_});
    }
    StartAll({entity_[0].get(), entity_[1].get(), query_[0].get(), query_[1].get()});
    for (int i = 0; i < 2; ++i) {
      ingest_[i] = std::make_unique<ServiceProcess>(
          "dossier-ingest", "dossier.ingest.v1.IngestService",
          std::vector<std::string>{db_, "--data_dir=" + data_dir_, "--entity_addr=" + entity_[i]->address(),
                                   "--query_addr=" + query_[i]->address(),
                                   absl::StrCat("--claim_lease_ms=", kClaimLeaseMs), absl::StrCat("--call_timeout_ms=", kCallTimeoutMs),
                                   "--retry_max_backoff_ms=500", "--workers=3"});
    }
    StartAll({ingest_[0].get(), ingest_[1].get()});
  }

  void TearDown() override {
    for (auto& p : ingest_) p.reset();
    for (auto& p : query_) p.reset();
    for (auto& p : entity_) p.reset();
    if (!data_dir_.empty()) testing::RemoveTree(data_dir_);
  }

  static void StartAll(const std::vector<ServiceProcess*>& processes) {
    std::vector<absl::Status> results(processes.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < processes.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = processes[i]->Start(); });
    }
    for (auto& t : threads) t.join();
    for (size_t i = 0; i < processes.size(); ++i) {
      ASSERT_TRUE(results[i].ok()) << results[i] << "\n" << processes[i]->Log();
    }
  }

  // Ingests documents [from, to) alternately through both ingest replicas.
  std::set<std::string> IngestRange(int from, int to) {
    std::set<std::string> ids;
    IngestClient clients[] = {IngestClient(ingest_[0]->address()), IngestClient(ingest_[1]->address())};
    for (int i = from; i < to; ++i) {
      ingest::v1::IngestRequest request;
      request.set_body(Article(i));
      auto response = clients[i % 2].Ingest(request);
      EXPECT_TRUE(response.ok()) << response.status();
      if (response.ok()) ids.insert(response->document_id());
    }
    return ids;
  }

  int CountIndexed(ServiceProcess& ingest) {
    IngestClient client(ingest.address());
    ingest::v1::ListDocumentsRequest request;
    request.set_state(common::v1::DOCUMENT_STATE_INDEXED);
    request.set_page_size(1);
    auto response = client.ListDocuments(request);
    return response.ok() ? response->total_size() : -1;
  }

  // Every document's codeword is found through both query replicas.
  void ExpectSearchableEverywhere(int documents) {
    for (int q = 0; q < 2; ++q) {
      QueryClient query(query_[q]->address());
      for (int i = 0; i < documents; ++i) {
        query::v1::SearchRequest search;
        search.set_query(absl::StrCat("quillon", i));
        auto response = query.Search(search);
        ASSERT_TRUE(response.ok()) << response.status();
        EXPECT_EQ(response->total_size(), 1) << "document " << i << " through query replica " << q;
      }
    }
  }

  std::string db_, data_dir_;
  std::unique_ptr<ServiceProcess> entity_[2], query_[2], ingest_[2];
};

TEST_F(ReplicaTest, EachDocumentIsAnnotatedAndIndexedExactlyOnce) {
  constexpr int kDocuments = 40;
  std::set<std::string> ids = IngestRange(0, kDocuments);
  ASSERT_EQ(static_cast<int>(ids.size()), kDocuments);
  ASSERT_TRUE(WaitUntil([&] { return CountIndexed(*ingest_[0]) == kDocuments; }, std::chrono::seconds(60)))
      << "indexed: " << CountIndexed(*ingest_[0]) << "\n" << ingest_[0]->Log() << ingest_[1]->Log();
  EXPECT_EQ(CountIndexed(*ingest_[1]), kDocuments);  // both replicas see one store
  ExpectSearchableEverywhere(kDocuments);

  // Exactly one Annotate and one Index call per document across the
  // replicas: no document was worked on by both ingest replicas.
  EXPECT_EQ(CallsOf({entity_[0].get(), entity_[1].get()}, "Annotate"), kDocuments);
  EXPECT_EQ(CallsOf({query_[0].get(), query_[1].get()}, "Index"), kDocuments);
  // And both ingest replicas did some of the work.
  EXPECT_GT(CallsOf({entity_[0].get()}, "Annotate"), 0);
  EXPECT_GT(CallsOf({entity_[1].get()}, "Annotate"), 0);
}

TEST_F(ReplicaTest, KilledIngestReplicaLeavesNoDocumentBehind) {
  constexpr int kDocuments = 60;
  // Freeze ingest replica 1's query replica: its Index calls hang until
  // their deadline, so at any moment replica 1 holds claims on documents it
  // is working on, while replica 0 keeps indexing through query replica 0.
  query_[1]->Freeze();
  std::set<std::string> ids = IngestRange(0, kDocuments);
  ASSERT_EQ(static_cast<int>(ids.size()), kDocuments);
  ASSERT_TRUE(WaitUntil([&] { return CallsOf({entity_[1].get()}, "Annotate") >= 3; }, std::chrono::seconds(30)));
  // Kill replica 1 mid-batch, holding claims.
  ingest_[1]->Kill();

  // Replica 0 takes over the dead replica's documents once their claims
  // expire: every document ends indexed.
  ASSERT_TRUE(WaitUntil([&] { return CountIndexed(*ingest_[0]) == kDocuments; },
                        std::chrono::seconds(60 + kClaimLeaseMs / 1000)))
      << "indexed: " << CountIndexed(*ingest_[0]) << "\n" << ingest_[0]->Log();
  EXPECT_THAT(ingest_[0]->Log(), ::testing::HasSubstr("took over the expired claim"));
  // Index succeeded once per document, all through query replica 0 (the
  // frozen one completed nothing).
  EXPECT_EQ(CallsOf({query_[0].get()}, "Index"), kDocuments);
  query_[1]->Kill();
  auto restarted = query_[1]->Start();
  ASSERT_TRUE(restarted.ok()) << restarted;
  ExpectSearchableEverywhere(kDocuments);
}

TEST_F(ReplicaTest, CurationThroughOneEntityReplicaReachesTheOther) {
  EntityClient first(entity_[0]->address());
  EntityClient second(entity_[1]->address());
  entity::v1::ResolveNameRequest resolve;
  resolve.set_name("Land of the Morning Calm Delegation");
  auto before = second.ResolveName(resolve);
  ASSERT_TRUE(before.ok()) << before.status();
  for (const auto& c : before->candidates()) EXPECT_NE(c.entity().id(), "country:RUS");

  entity::v1::AddAliasRequest alias;
  alias.set_entity_id("country:RUS");
  alias.set_alias("Land of the Morning Calm Delegation");
  auto added = first.AddAlias(alias);
  ASSERT_TRUE(added.ok()) << added.status();

  EXPECT_TRUE(WaitUntil(
      [&] {
        auto after = second.ResolveName(resolve);
        return after.ok() && after->candidates_size() > 0 && after->candidates(0).entity().id() == "country:RUS";
      },
      std::chrono::seconds(10)))
      << entity_[1]->Log();
}

}  // namespace
}  // namespace dossier
