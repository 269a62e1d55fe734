// Faults with real processes: documents ingested while query is down are
// acknowledged, and every one of them is indexed exactly once after query
// comes back. A restarted ingest picks up where it left off.
#include <chrono>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/common/client.h"
#include "tests/support/process.h"

namespace dossier {
namespace {

constexpr int kDocuments = 12;

std::string Article(int i) {
  return absl::StrCat("Trade talks round ", i, "\n\nPosted March. ", i + 1,
                      ", 2002 10:00\n\nDelegations from China and Russia met in Moscow for round ", i,
                      " of talks on energy trade. Officials said the round ", i, " talks covered pipelines.");
}

int CountInState(IngestClient& ingest, common::v1::DocumentState state) {
  ingest::v1::ListDocumentsRequest request;
  request.set_state(state);
  request.set_page_size(1);
  auto response = ingest.ListDocuments(request);
  return response.ok() ? response->total_size() : -1;
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

TEST(FaultTest, DocumentsIngestedWhileQueryIsDownAreIndexedOnceWhenItReturns) {
  testing::Cluster cluster;
  auto started = cluster.Start(/*start_query=*/false);
  ASSERT_TRUE(started.ok()) << started;
  IngestClient ingest(cluster.ingest().address());

  std::set<std::string> ids;
  for (int i = 0; i < kDocuments; ++i) {
    ingest::v1::IngestRequest request;
    request.set_body(Article(i));
    auto response = ingest.Ingest(request);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_FALSE(response->duplicate());
    ids.insert(response->document_id());
  }
  ASSERT_EQ(static_cast<int>(ids.size()), kDocuments);
  // Annotated, but nothing can be indexed while query is down.
  EXPECT_TRUE(
      WaitUntil([&] { return CountInState(ingest, common::v1::DOCUMENT_STATE_ANNOTATED) == kDocuments; },
                std::chrono::seconds(30)));
  EXPECT_EQ(CountInState(ingest, common::v1::DOCUMENT_STATE_INDEXED), 0);

  // Ingest restarts meanwhile: nothing acknowledged is lost.
  auto stopped = cluster.ingest().Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(*stopped, 0) << "ingest did not exit cleanly on SIGTERM";
  auto restarted = cluster.ingest().Start();
  ASSERT_TRUE(restarted.ok()) << restarted;

  auto query_started = cluster.query().Start();
  ASSERT_TRUE(query_started.ok()) << query_started;
  IngestClient restarted_ingest(cluster.ingest().address());  // a new port after the restart
  EXPECT_TRUE(WaitUntil(
      [&] { return CountInState(restarted_ingest, common::v1::DOCUMENT_STATE_INDEXED) == kDocuments; },
      std::chrono::seconds(60)))
      << cluster.ingest().Log();

  QueryClient query(cluster.query().address());
  query::v1::SearchRequest search;
  search.set_query("pipelines");
  search.set_page_size(100);
  auto hits = query.Search(search);
  ASSERT_TRUE(hits.ok()) << hits.status();
  EXPECT_EQ(hits->total_size(), kDocuments);
  std::set<std::string> found;
  for (const auto& hit : hits->hits()) found.insert(hit.document_id());
  EXPECT_EQ(found, ids);
}

TEST(FaultTest, SigtermFinishesCleanly) {
  testing::Cluster cluster;
  auto started = cluster.Start();
  ASSERT_TRUE(started.ok()) << started;
  for (auto* process : {&cluster.ingest(), &cluster.query(), &cluster.entity()}) {
    auto code = process->Stop();
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(*code, 0) << process->Log();
  }
}

}  // namespace
}  // namespace dossier
