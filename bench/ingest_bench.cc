// End-to-end ingest throughput: generates articles, sends them to ingest with
// IngestStream in batches from several concurrent streams, and measures until
// every one is indexed (annotated by entity and indexed by query) or failed.
//
// --start skips the first articles of the generator's stream, so a large
// corpus can be ingested in steps (bench/scale.sh) and a step repeated after
// an interruption: every article carries the external id
// "bench-<seed>-<position>", so articles already stored come back as
// duplicates instead of being stored twice.
#include <algorithm>
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
ABSL_FLAG(int, start, 0, "articles of the stream to skip first (they were ingested before)");
ABSL_FLAG(int, batch, 250, "articles per IngestStream call");
ABSL_FLAG(int, streams, 4, "concurrent IngestStream calls");
ABSL_FLAG(uint64_t, seed, 1, "generator seed");
ABSL_FLAG(int, progress_every, 0, "if > 0, print the rate of every this many documents indexed");
ABSL_FLAG(int, timeout_minutes, 60, "give up when not everything is indexed after this long");

namespace {

using Clock = std::chrono::steady_clock;

// Documents in `state` (INDEXED, FAILED); -1 when ingest cannot be reached.
int CountInState(dossier::IngestClient& client, dossier::common::v1::DocumentState state) {
  dossier::ingest::v1::ListDocumentsRequest request;
  request.set_state(state);
  request.set_page_size(1);
  auto response = client.ListDocuments(request);
  return response.ok() ? response->total_size() : -1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int count = absl::GetFlag(FLAGS_count);
  const int start = absl::GetFlag(FLAGS_start);
  const int batch = absl::GetFlag(FLAGS_batch);
  if (count <= 0 || start < 0 || batch <= 0 || absl::GetFlag(FLAGS_streams) <= 0) {
    std::fprintf(stderr, "--count, --batch and --streams must be positive, --start not negative\n");
    return 2;
  }
  dossier::IngestClient client(absl::GetFlag(FLAGS_ingest_addr), std::chrono::seconds(600));
  const int indexed_before = CountInState(client, dossier::common::v1::DOCUMENT_STATE_INDEXED);
  const int failed_before = CountInState(client, dossier::common::v1::DOCUMENT_STATE_FAILED);
  if (indexed_before < 0 || failed_before < 0) {
    std::fprintf(stderr, "ingest is not reachable at %s\n", absl::GetFlag(FLAGS_ingest_addr).c_str());
    return 1;
  }

  dossier::bench::ArticleGenerator generator(absl::GetFlag(FLAGS_seed));
  for (int i = 0; i < start; ++i) generator.Next();
  std::vector<dossier::bench::Article> articles;
  articles.reserve(count);
  size_t bytes = 0;
  for (int i = 0; i < count; ++i) {
    articles.push_back(generator.Next());
    bytes += articles.back().body.size();
  }
  std::printf("articles %d..%d of seed %llu, average body %.0f bytes; store holds %d indexed, %d failed\n",
              start + 1, start + count, static_cast<unsigned long long>(absl::GetFlag(FLAGS_seed)),
              static_cast<double>(bytes) / count, indexed_before, failed_before);
  std::fflush(stdout);

  std::atomic<int> next_batch{0}, accepted{0}, rejected{0}, duplicates{0}, stream_errors{0};
  auto begin = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < absl::GetFlag(FLAGS_streams); ++t) {
    threads.emplace_back([&] {
      while (true) {
        int first = next_batch.fetch_add(1) * batch;
        if (first >= count) return;
        int last = std::min(first + batch, count);
        grpc::ClientContext context;
        client.PrepareContext(&context);
        dossier::ingest::v1::IngestStreamResponse response;
        auto writer = client.stub()->IngestStream(&context, &response);
        for (int i = first; i < last; ++i) {
          const auto& article = articles[i];
          dossier::ingest::v1::IngestRequest request;
          request.set_body(article.body);
          request.set_url(article.url);
          request.set_source(article.source);
          request.set_external_id(article.external_id);
          if (article.send_published) request.set_published(article.published);
          if (!writer->Write(request)) break;
        }
        writer->WritesDone();
        grpc::Status status = writer->Finish();
        if (!status.ok()) {
          std::fprintf(stderr, "IngestStream failed: %s\n", status.error_message().c_str());
          stream_errors += last - first;
          continue;
        }
        accepted += response.accepted();
        duplicates += response.duplicates();
        rejected += response.rejected();
      }
    });
  }
  for (auto& t : threads) t.join();
  double ack_seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  std::printf("acknowledged %d new (duplicates %d, rejected %d, lost to stream errors %d) in %.2f s: %.0f docs/s\n",
              accepted.load(), duplicates.load(), rejected.load(), stream_errors.load(), ack_seconds,
              count / ack_seconds);
  std::fflush(stdout);

  // Wait until every new document is indexed or failed. Counting by state
  // costs ingest a scan of its documents (and holds up its pipeline while it
  // runs), so the wait polls rarely: it sleeps for half the time the rate so
  // far says is left (between 0.25 and 10 s), and counts failures only when
  // the indexed count stops short.
  const int target = accepted.load();
  const int every = absl::GetFlag(FLAGS_progress_every);
  int done = 0, indexed = 0, failed = 0, reported = 0, polls = 0;
  auto last_mark = begin;
  int last_mark_done = 0;
  while (done < target) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
    const double rate = done > 0 ? done / elapsed : 100.0;
    const double wait = std::clamp(0.5 * (target - done) / rate, 0.25, 10.0);
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    const int indexed_earlier = indexed;
    int i = CountInState(client, dossier::common::v1::DOCUMENT_STATE_INDEXED);
    ++polls;
    if (i >= 0) indexed = i - indexed_before;
    if (indexed + failed < target && (wait <= 0.5 || indexed == indexed_earlier)) {
      int f = CountInState(client, dossier::common::v1::DOCUMENT_STATE_FAILED);
      ++polls;
      if (f >= 0) failed = f - failed_before;
    }
    done = indexed + failed;
    if (every > 0 && done >= (reported + 1) * every) {
      auto now = Clock::now();
      reported = done / every;
      std::printf("  %d done after %.1f s; the last %d at %.0f docs/s\n", done,
                  std::chrono::duration<double>(now - begin).count(), done - last_mark_done,
                  (done - last_mark_done) / std::chrono::duration<double>(now - last_mark).count());
      std::fflush(stdout);
      last_mark = now;
      last_mark_done = done;
    }
    if (std::chrono::duration<double>(Clock::now() - begin).count() > 60.0 * absl::GetFlag(FLAGS_timeout_minutes)) {
      std::fprintf(stderr, "gave up after %d minutes with %d of %d indexed or failed\n",
                   absl::GetFlag(FLAGS_timeout_minutes), done, target);
      return 1;
    }
  }
  double total_seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  std::printf("indexed %d documents end to end (%d failed) in %.2f s: %.0f docs/s (%d state counts)\n", indexed,
              failed, total_seconds, target / total_seconds, polls);
  // One line for scripts: start, count, new documents, seconds, rate.
  std::printf("RESULT start=%d count=%d new=%d failed=%d seconds=%.2f docs_per_s=%.1f\n", start, count, target,
              failed, total_seconds, target / total_seconds);
  return stream_errors.load() > 0 || rejected.load() > 0 ? 1 : 0;
}
