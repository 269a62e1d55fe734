#include "clients/cli/ingest_command.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dossier::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(BuildIngestRequestTest, ContentTypeFromKindUnlessOverridden) {
  IngestFlags flags;
  flags.source = "Xinhua";
  flags.published = "2001-09-19";
  flags.url = "http://example.org/a";
  flags.wait = true;
  auto text = BuildIngestRequest("hello", InputKind::kText, flags);
  EXPECT_EQ(text.content_type(), ingest::v1::CONTENT_TYPE_TEXT);
  EXPECT_EQ(text.body(), "hello");
  EXPECT_TRUE(text.raw_body().empty());
  EXPECT_EQ(text.source(), "Xinhua");
  EXPECT_EQ(text.published(), "2001-09-19");
  EXPECT_EQ(text.url(), "http://example.org/a");
  EXPECT_TRUE(text.wait_for_indexing());
  EXPECT_EQ(BuildIngestRequest("<p>x</p>", InputKind::kHtml, {}).content_type(),
            ingest::v1::CONTENT_TYPE_HTML);
  EXPECT_EQ(BuildIngestRequest("x", InputKind::kGuess, {}).content_type(),
            ingest::v1::CONTENT_TYPE_UNSPECIFIED);
  flags.content_type = InputKind::kHtml;
  EXPECT_EQ(BuildIngestRequest("x", InputKind::kText, flags).content_type(), ingest::v1::CONTENT_TYPE_HTML);
}

TEST(BuildIngestRequestTest, InvalidUtf8GoesToRawBody) {
  auto request = BuildIngestRequest("caf\xE9", InputKind::kText, {});
  EXPECT_TRUE(request.body().empty());
  EXPECT_EQ(request.raw_body(), "caf\xE9");
}

std::vector<IngestInput> Inputs(int n) {
  std::vector<IngestInput> inputs;
  for (int i = 0; i < n; ++i)
    inputs.push_back({absl::StrCat("doc", i, ".txt"), InputKind::kText, absl::StrCat(i)});
  return inputs;
}

TEST(SendDocumentsTest, ConcurrentCallsResultsInInputOrder) {
  std::atomic<int> in_flight{0}, max_in_flight{0};
  IngestFn ingest =
      [&](const ingest::v1::IngestRequest& request) -> absl::StatusOr<ingest::v1::IngestResponse> {
    int now = ++in_flight;
    int seen = max_in_flight.load();
    while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
    }
    int i = std::stoi(request.body());
    std::this_thread::sleep_for(std::chrono::milliseconds(2 * (8 - i)));  // later documents finish first
    --in_flight;
    if (i == 3) return absl::InvalidArgumentError("document body is empty");
    ingest::v1::IngestResponse response;
    response.set_document_id(absl::StrCat("d-", i));
    return response;
  };
  IngestFlags flags;
  flags.concurrency = 4;
  std::vector<std::string> order;
  std::vector<int> progress;
  IngestCallbacks callbacks;
  callbacks.on_result = [&](const IngestOutcome& o) { order.push_back(o.file); };
  callbacks.on_progress = [&](int done, int total) {
    EXPECT_EQ(total, 8);
    progress.push_back(done);
  };
  std::vector<IngestOutcome> outcomes;
  EXPECT_TRUE(SendDocuments(Inputs(8), flags, ingest, callbacks, &outcomes).ok());
  EXPECT_THAT(order, ElementsAre("doc0.txt", "doc1.txt", "doc2.txt", "doc3.txt", "doc4.txt", "doc5.txt",
                                 "doc6.txt", "doc7.txt"));
  EXPECT_THAT(progress, ElementsAre(1, 2, 3, 4, 5, 6, 7, 8));
  EXPECT_GT(max_in_flight.load(), 1);
  EXPECT_LE(max_in_flight.load(), 4);
  ASSERT_EQ(outcomes.size(), 8u);
  EXPECT_EQ(outcomes[5].response.document_id(), "d-5");
  EXPECT_EQ(outcomes[3].status.code(), absl::StatusCode::kInvalidArgument);
  IngestTally tally = TallyOutcomes(outcomes);
  EXPECT_EQ(tally.accepted, 7);
  EXPECT_EQ(tally.rejected, 1);
  EXPECT_THAT(tally.rejections,
              ElementsAre(std::make_pair(std::string("doc3.txt"),
                                         std::string("INVALID_ARGUMENT: document body is empty"))));
}

TEST(SendDocumentsTest, UnavailableStopsTheRun) {
  std::atomic<int> calls{0};
  IngestFn ingest = [&](const ingest::v1::IngestRequest&) -> absl::StatusOr<ingest::v1::IngestResponse> {
    ++calls;
    return absl::UnavailableError("connection refused");
  };
  IngestFlags flags;
  flags.concurrency = 1;
  int results = 0;
  IngestCallbacks callbacks;
  callbacks.on_result = [&](const IngestOutcome&) { ++results; };
  std::vector<IngestOutcome> outcomes;
  absl::Status status = SendDocuments(Inputs(5), flags, ingest, callbacks, &outcomes);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(results, 0);
  IngestTally tally = TallyOutcomes(outcomes);
  EXPECT_EQ(tally.not_sent, 5);
  EXPECT_EQ(tally.rejected, 0);
}

TEST(SendDocumentsTest, UnreadableFileIsRejectedWithoutACall) {
  std::atomic<int> calls{0};
  IngestFn ingest = [&](const ingest::v1::IngestRequest&) -> absl::StatusOr<ingest::v1::IngestResponse> {
    ++calls;
    return ingest::v1::IngestResponse();
  };
  std::vector<IngestOutcome> outcomes;
  ASSERT_TRUE(SendDocuments({{"/nonexistent/dossier/a.txt", InputKind::kText, std::nullopt}}, {}, ingest, {},
                            &outcomes)
                  .ok());
  EXPECT_EQ(calls.load(), 0);
  EXPECT_EQ(outcomes[0].status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(outcomes[0].status.message(), HasSubstr("cannot open file"));
}

TEST(IngestJsonLineTest, Shapes) {
  IngestOutcome ok;
  ok.file = "a.txt";
  ok.attempted = true;
  ok.response.set_document_id("d-1");
  ok.response.set_duplicate(true);
  ok.response.set_state(common::v1::DOCUMENT_STATE_INDEXED);
  ok.response.set_title("T \"q\"");
  ok.response.mutable_published()->set_year(2001);
  ok.response.mutable_published()->set_month(9);
  ok.response.mutable_published()->set_day(19);
  EXPECT_EQ(
      IngestJsonLine(ok),
      "{\"file\":\"a.txt\",\"document_id\":\"d-1\",\"duplicate\":true,\"state\":\"DOCUMENT_STATE_INDEXED\","
      "\"title\":\"T \\\"q\\\"\",\"published\":{\"year\":2001,\"month\":9,\"day\":19},\"error\":\"\"}");
  IngestOutcome rejected;
  rejected.file = "b.txt";
  rejected.attempted = true;
  rejected.status = absl::InvalidArgumentError("document body is empty");
  EXPECT_EQ(
      IngestJsonLine(rejected),
      "{\"file\":\"b.txt\",\"document_id\":\"\",\"duplicate\":false,\"state\":\"DOCUMENT_STATE_UNSPECIFIED\","
      "\"title\":\"\",\"published\":{\"year\":0,\"month\":0,\"day\":0},"
      "\"error\":\"INVALID_ARGUMENT: document body is empty\"}");
}

TEST(IngestHumanLineTest, Words) {
  IngestOutcome ok;
  ok.file = "a.txt";
  ok.response.set_document_id("d-1");
  ok.response.set_state(common::v1::DOCUMENT_STATE_RECEIVED);
  ok.response.set_title("Title");
  EXPECT_EQ(IngestHumanLine(ok), "accepted   a.txt  d-1  received  unknown  Title");
  ok.response.set_duplicate(true);
  EXPECT_EQ(IngestHumanLine(ok).substr(0, 11), "duplicate  ");
  IngestOutcome rejected;
  rejected.file = "b.txt";
  rejected.status = absl::InvalidArgumentError("empty");
  EXPECT_EQ(IngestHumanLine(rejected), "rejected   b.txt  INVALID_ARGUMENT: empty");
}

IngestOutcome Outcome(const std::string& file, bool duplicate, common::v1::DocumentState state,
                      absl::Status status = absl::OkStatus(), const std::string& error = "") {
  IngestOutcome o;
  o.file = file;
  o.attempted = true;
  o.status = status;
  o.response.set_document_id("d-" + file.substr(0, 1));
  o.response.set_duplicate(duplicate);
  o.response.set_state(state);
  o.response.set_error(error);
  return o;
}

TEST(IngestSummaryTest, CountsRateRejectionsAndFailures) {
  std::vector<IngestOutcome> outcomes = {
      Outcome("a.txt", false, common::v1::DOCUMENT_STATE_INDEXED),
      Outcome("b.txt", true, common::v1::DOCUMENT_STATE_INDEXED),
      Outcome("c.txt", false, common::v1::DOCUMENT_STATE_UNSPECIFIED, absl::InvalidArgumentError("empty")),
      Outcome("d.txt", false, common::v1::DOCUMENT_STATE_FAILED, absl::OkStatus(), "annotate failed"),
      Outcome("e.txt", false, common::v1::DOCUMENT_STATE_RECEIVED),
  };
  IngestTally tally = TallyOutcomes(outcomes);
  EXPECT_EQ(RenderIngestSummary(tally, 2.0, true),
            "5 files: 3 accepted, 1 duplicate, 1 rejected in 2.0 s (2.5 docs/s)\n"
            "2 indexed, 1 failed, 1 not yet indexed (the deadline came first)\n"
            "Rejected:\n"
            "  c.txt: INVALID_ARGUMENT: empty\n"
            "Failed in the pipeline:\n"
            "  d.txt: d-d: annotate failed\n");
  EXPECT_EQ(RenderIngestSummary(TallyOutcomes({outcomes[0]}), 0.5, false),
            "1 file: 1 accepted, 0 duplicates, 0 rejected in 500 ms (2.0 docs/s)\n");
}

}  // namespace
}  // namespace dossier::cli
