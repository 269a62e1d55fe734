// End-to-end ingest throughput: generates articles, sends them to ingest with
// IngestStream in batches from several concurrent streams, and measures until
// every one is indexed (annotated by entity and indexed by query).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/article_generator.h"
#include "libs/common/client.h"

ABSL_FLAG(std::string, ingest_addr, "localhost:50051", "ingest service");
ABSL_FLAG(int, count, 10000, "articles to ingest");
ABSL_FLAG(int, batch, 250, "articles per IngestStream call");
ABSL_FLAG(int, streams, 4, "concurrent IngestStream calls");
ABSL_FLAG(uint64_t, seed, 1, "generator seed");

namespace {

using Clock = std::chrono::steady_clock;

int IndexedCount(dossier::IngestClient& client) {
  dossier::ingest::v1::ListDocumentsRequest request;
  request.set_state(dossier::common::v1::DOCUMENT_STATE_INDEXED);
  request.set_page_size(1);
  auto response = client.ListDocuments(request);
  return response.ok() ? response->total_size() : -1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int count = absl::GetFlag(FLAGS_count);
  const int batch = absl::GetFlag(FLAGS_batch);
  dossier::IngestClient client(absl::GetFlag(FLAGS_ingest_addr), std::chrono::seconds(600));
  const int before = IndexedCount(client);
  if (before < 0) {
    std::fprintf(stderr, "ingest is not reachable at %s\n", absl::GetFlag(FLAGS_ingest_addr).c_str());
    return 1;
  }

  std::printf("generating %d articles...\n", count);
  dossier::bench::ArticleGenerator generator(absl::GetFlag(FLAGS_seed));
  std::vector<dossier::bench::Article> articles;
  size_t bytes = 0;
  for (int i = 0; i < count; ++i) {
    articles.push_back(generator.Next());
    bytes += articles.back().body.size();
  }
  std::printf("average body %.0f bytes\n", static_cast<double>(bytes) / count);

  std::atomic<int> next_batch{0}, accepted{0}, rejected{0}, duplicates{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < absl::GetFlag(FLAGS_streams); ++t) {
    threads.emplace_back([&] {
      while (true) {
        int first = next_batch.fetch_add(1) * batch;
        if (first >= count) return;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(300));
        dossier::ingest::v1::IngestStreamResponse response;
        auto writer = client.stub()->IngestStream(&context, &response);
        for (int i = first; i < std::min(first + batch, count); ++i) {
          dossier::ingest::v1::IngestRequest request;
          request.set_body(articles[i].body);
          if (!writer->Write(request)) break;
        }
        writer->WritesDone();
        grpc::Status status = writer->Finish();
        if (!status.ok()) {
          std::fprintf(stderr, "IngestStream failed: %s\n", status.error_message().c_str());
          rejected += batch;
          continue;
        }
        accepted += response.accepted();
        duplicates += response.duplicates();
        rejected += response.rejected();
      }
    });
  }
  for (auto& t : threads) t.join();
  double ack_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("acknowledged %d (duplicates %d, rejected %d) in %.2f s: %.0f docs/s\n", accepted.load(),
              duplicates.load(), rejected.load(), ack_seconds, count / ack_seconds);

  const int target = before + accepted.load();
  int indexed = before;
  while (indexed < target) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    indexed = IndexedCount(client);
    if (std::chrono::duration<double>(Clock::now() - start).count() > 1800) {
      std::fprintf(stderr, "gave up after 30 minutes with %d of %d indexed\n", indexed - before,
                   accepted.load());
      return 1;
    }
  }
  double total_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("indexed %d documents end to end in %.2f s: %.0f docs/s\n", accepted.load(), total_seconds,
              accepted.load() / total_seconds);
  return 0;
}
