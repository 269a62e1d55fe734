// Query latency under concurrency: for each operation in turn, N client
// threads send the same number of requests over one channel; prints count,
// errors, p50/p90/p99/max per operation (client-side, gRPC round trip
// included) and what the answers held on average.
//
// The entities, pairs and codes asked for come from the generator's lists
// (bench/article_generator.h), checked against the service first: entities
// without a profile are dropped, and pairs come from Related when it can
// rank by events. An operation the server answers UNIMPLEMENTED (an older
// build) is reported as such and skipped, not counted as errors.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "bench/article_generator.h"
#include "dossier/query/v1/query.grpc.pb.h"
#include "libs/common/client.h"

ABSL_FLAG(std::string, query_addr, "localhost:50053", "query service");
ABSL_FLAG(int, clients, 8, "concurrent clients");
ABSL_FLAG(int, requests, 500, "requests per client per operation");
ABSL_FLAG(std::string, ops, "", "comma-separated operation names (or prefixes such as ListEvents); empty: all");
ABSL_FLAG(double, target_ms, 50, "p99 target: operations above it are marked MISS");

namespace {

using Clock = std::chrono::steady_clock;
namespace qv1 = dossier::query::v1;
namespace cv1 = dossier::common::v1;

// What one request returned.
struct Outcome {
  grpc::Status status;
  int items = 0;       // hits, events, timeline items, related entities
  int64_t total = 0;   // total_size where the response has one
  bool complete = true;  // false when the answer lacks what was asked (facets)
};

struct Operation {
  std::string name;
  std::function<Outcome(int client, int i)> call;
};

struct Stats {
  std::vector<double> ms;
  int errors = 0, incomplete = 0;
  int64_t items = 0, total = 0;
  std::string first_error;
};

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))];
}

cv1::DateValue Year(int year) {
  cv1::DateValue date;
  date.set_year(year);
  return date;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int clients = absl::GetFlag(FLAGS_clients);
  const int requests = absl::GetFlag(FLAGS_requests);
  if (clients <= 0 || requests <= 0) {
    std::fprintf(stderr, "--clients and --requests must be positive\n");
    return 2;
  }
  auto channel = dossier::MakeChannel(absl::GetFlag(FLAGS_query_addr));
  auto stub = qv1::QueryService::NewStub(channel);
  const auto timeout = std::chrono::milliseconds(30000);
  // Calls a unary method on the shared stub with a deadline.
  auto call = [&](auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    dossier::PrepareContext(&context, timeout);
    return ((*stub).*method)(&context, request, response);
  };

  // --- What to ask for: the generator's lists, checked against the store.
  std::vector<std::string> entities, people;
  for (const std::string& id : dossier::bench::ArticleGenerator::EntityIds()) {
    qv1::GetEntityProfileRequest request;
    request.set_entity_id(id);
    request.set_related_limit(1);
    qv1::EntityProfile profile;
    grpc::Status status = call(&qv1::QueryService::Stub::GetEntityProfile, request, &profile);
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      std::fprintf(stderr, "query is not reachable at %s: %s\n", absl::GetFlag(FLAGS_query_addr).c_str(),
                   status.error_message().c_str());
      return 1;
    }
    if (!status.ok()) continue;
    entities.push_back(id);
    if (id.rfind("person:", 0) == 0) people.push_back(id);
  }
  if (entities.empty()) {
    std::fprintf(stderr, "none of the generator's entities is in the store: ingest generated articles first\n");
    return 1;
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string pairs_from = "Related (by events)";
  for (size_t p = 0; p < people.size() && p < 4; ++p) {
    qv1::RelatedRequest request;
    request.set_entity_id(people[p]);
    request.set_type(cv1::ENTITY_TYPE_PERSON);
    request.set_order(qv1::RELATED_ORDER_EVENTS);
    request.set_page_size(3);
    qv1::RelatedResponse response;
    if (!call(&qv1::QueryService::Stub::Related, request, &response).ok()) continue;
    for (const auto& related : response.related()) {
      if (related.events_as_source() + related.events_as_target() == 0) continue;
      bool seen = false;  // the same pair from the other side
      for (const auto& [a, b] : pairs) seen |= a == related.entity_id() && b == people[p];
      if (!seen) pairs.emplace_back(people[p], related.entity_id());
    }
  }
  if (pairs.empty()) {
    pairs = dossier::bench::ArticleGenerator::EntityPairs();
    pairs_from = "the generator's list (Related found no events)";
  }
  const auto words = dossier::bench::ArticleGenerator::QueryWords();
  const auto codes = dossier::bench::ArticleGenerator::ActorCodes();
  const auto sources = dossier::bench::ArticleGenerator::Sources();
  const std::vector<std::string> cameo = {"04", "042", "043", "041", "040", "057", "11", "112", "13", "07", "10"};
  std::printf("entities: %zu of %zu in the store (", entities.size(),
              dossier::bench::ArticleGenerator::EntityIds().size());
  for (size_t i = 0; i < entities.size(); ++i) std::printf("%s%s", i ? " " : "", entities[i].c_str());
  std::printf(")\npairs (%zu, from %s):", pairs.size(), pairs_from.c_str());
  for (const auto& [a, b] : pairs) std::printf(" %s+%s", a.c_str(), b.c_str());
  std::printf("\n");

  // --- The operations. Request i of client c picks its parameters from the
  // lists so that clients ask different things at the same moment.
  auto pick = [](const auto& list, int c, int i, int stride = 7) -> const auto& {
    return list[(static_cast<size_t>(i) * stride + c) % list.size()];
  };
  auto search = [&](const qv1::SearchRequest& request) {
    qv1::SearchResponse response;
    Outcome out;
    out.status = call(&qv1::QueryService::Stub::Search, request, &response);
    out.items = response.hits_size();
    out.total = response.total_size();
    out.complete = response.facets_size() == request.facets_size();
    return out;
  };
  auto list_events = [&](const qv1::ListEventsRequest& request, std::string* next_token = nullptr) {
    qv1::ListEventsResponse response;
    Outcome out;
    out.status = call(&qv1::QueryService::Stub::ListEvents, request, &response);
    out.items = response.events_size();
    out.total = response.total_size();
    if (next_token) *next_token = response.next_page_token();
    return out;
  };
  auto timeline = [&](const qv1::TimelineRequest& request) {
    qv1::TimelineResponse response;
    Outcome out;
    out.status = call(&qv1::QueryService::Stub::Timeline, request, &response);
    out.items = response.items_size() + response.undated_size();
    return out;
  };
  auto related = [&](const qv1::RelatedRequest& request) {
    qv1::RelatedResponse response;
    Outcome out;
    out.status = call(&qv1::QueryService::Stub::Related, request, &response);
    out.items = response.related_size();
    return out;
  };
  auto add_all_facets = [](qv1::SearchRequest* request) {
    request->add_facets(qv1::FACET_FIELD_ENTITY);
    request->add_facets(qv1::FACET_FIELD_ENTITY_TYPE);
    request->add_facets(qv1::FACET_FIELD_SOURCE);
    request->add_facets(qv1::FACET_FIELD_MONTH);
  };
  // Paging state per client: the token of the next page and pages so far.
  std::vector<std::string> page_token(clients);
  std::vector<int> pages(clients, 0), query_number(clients, 0);

  std::vector<Operation> operations = {
      {"Search",
       [&](int c, int i) {
         qv1::SearchRequest request;
         request.set_query(pick(words, c, i));
         return search(request);
       }},
      {"Search+filters",
       [&](int c, int i) {
         qv1::SearchRequest request;
         request.set_query(pick(words, c, i));
         request.add_entity_ids(pick(entities, c, i, 3));
         *request.mutable_date_from() = Year(1998 + i % 15);
         *request.mutable_date_to() = Year(2008 + i % 15);
         return search(request);
       }},
      {"GetEntityProfile",
       [&](int c, int i) {
         qv1::GetEntityProfileRequest request;
         request.set_entity_id(pick(entities, c, i, 1));
         qv1::EntityProfile profile;
         Outcome out;
         out.status = call(&qv1::QueryService::Stub::GetEntityProfile, request, &profile);
         out.items = profile.related_size();
         out.total = profile.document_count();
         return out;
       }},
      {"Search facets",  // one broad word, all four facets
       [&](int c, int i) {
         qv1::SearchRequest request;
         request.set_query(pick(words, c, i));
         add_all_facets(&request);
         return search(request);
       }},
      {"Search facets+filters",  // words, an entity, a source, ten years, all four facets
       [&](int c, int i) {
         qv1::SearchRequest request;
         request.set_query(pick(words, c, i));
         request.add_entity_ids(pick(entities, c, i, 3));
         if (i % 2 == 0) request.add_sources(pick(sources, c, i, 5));
         *request.mutable_date_from() = Year(1998 + i % 15);
         *request.mutable_date_to() = Year(2008 + i % 15);
         add_all_facets(&request);
         return search(request);
       }},
      {"Search newest+facets",  // a word or only an entity filter, newest first
       [&](int c, int i) {
         qv1::SearchRequest request;
         if (i % 3 != 0) request.set_query(pick(words, c, i));
         if (i % 3 != 1) request.add_entity_ids(pick(entities, c, i, 3));
         request.set_sort(qv1::SEARCH_SORT_NEWEST);
         add_all_facets(&request);
         return search(request);
       }},
      {"ListEvents entity",
       [&](int c, int i) {
         qv1::ListEventsRequest request;
         request.set_actor(pick(entities, c, i, 3));
         request.set_side(static_cast<qv1::ActorSide>(1 + i % 3));
         return list_events(request);
       }},
      {"ListEvents code+dates",  // CHN, CHNGOV...; half with a date range
       [&](int c, int i) {
         qv1::ListEventsRequest request;
         request.set_actor(pick(codes, c, i, 3));
         if (i % 2 == 0) {
           *request.mutable_date_from() = Year(1998 + i % 20);
           *request.mutable_date_to() = Year(2001 + i % 20);
         }
         return list_events(request);
       }},
      {"ListEvents pair",
       [&](int c, int i) {
         const auto& [a, b] = pick(pairs, c, i, 3);
         qv1::ListEventsRequest request;
         request.set_actor(a);
         request.set_other_actor(b);
         return list_events(request);
       }},
      {"ListEvents cameo",  // a code prefix, with an actor code or a QuadClass now and then
       [&](int c, int i) {
         qv1::ListEventsRequest request;
         request.set_cameo_prefix(pick(cameo, c, i, 5));
         if (i % 3 == 0) request.set_actor(pick(codes, c, i, 3));
         if (i % 3 == 1) request.set_quad_class(1 + i % 4);
         if (i % 4 == 2) {
           *request.mutable_date_from() = Year(2000 + i % 15);
           *request.mutable_date_to() = Year(2005 + i % 15);
         }
         return list_events(request);
       }},
      {"ListEvents paging",  // up to 5 pages of 100 of one query, then the next query
       [&](int c, int) {
         if (page_token[c].empty() || pages[c] >= 5) {
           ++query_number[c];
           pages[c] = 0;
           page_token[c].clear();
         }
         // Every page of a query repeats its filters, as the token asks.
         const int q = query_number[c];
         qv1::ListEventsRequest request;
         request.set_page_size(100);
         if (q % 2 == 0) {
           request.set_actor(pick(entities, c, q, 3));
         } else {
           request.set_actor(pick(codes, c, q, 3));
           request.set_cameo_prefix(pick(cameo, c, q, 5));
         }
         request.set_page_token(page_token[c]);
         Outcome out = list_events(request, &page_token[c]);
         if (!out.status.ok()) page_token[c].clear();
         ++pages[c];
         return out;
       }},
      {"Timeline entity",
       [&](int c, int i) {
         qv1::TimelineRequest request;
         request.add_entity_ids(pick(entities, c, i, 3));
         request.set_kind(qv1::TIMELINE_KIND_ALL);
         if (i % 2 == 1) {
           *request.mutable_date_from() = Year(1998 + i % 20);
           *request.mutable_date_to() = Year(2003 + i % 20);
         }
         return timeline(request);
       }},
      {"Timeline pair",
       [&](int c, int i) {
         const auto& [a, b] = pick(pairs, c, i, 3);
         qv1::TimelineRequest request;
         request.add_entity_ids(a);
         request.add_entity_ids(b);
         request.set_kind(qv1::TIMELINE_KIND_ALL);
         return timeline(request);
       }},
      {"Related documents",
       [&](int c, int i) {
         qv1::RelatedRequest request;
         request.set_entity_id(pick(entities, c, i, 3));
         request.set_order(qv1::RELATED_ORDER_DOCUMENTS);
         if (i % 2 == 1) request.set_type(cv1::ENTITY_TYPE_PERSON);
         return related(request);
       }},
      {"Related pmi",
       [&](int c, int i) {
         qv1::RelatedRequest request;
         request.set_entity_id(pick(entities, c, i, 3));
         request.set_order(qv1::RELATED_ORDER_PMI);
         request.set_min_documents(5);
         return related(request);
       }},
      {"Related events",
       [&](int c, int i) {
         qv1::RelatedRequest request;
         request.set_entity_id(pick(entities, c, i, 3));
         request.set_order(qv1::RELATED_ORDER_EVENTS);
         return related(request);
       }},
  };

  std::vector<std::string> wanted = absl::StrSplit(absl::GetFlag(FLAGS_ops), ',', absl::SkipEmpty());
  auto selected = [&](const std::string& name) {
    if (wanted.empty()) return true;
    for (const auto& w : wanted)
      if (name.rfind(w, 0) == 0) return true;
    return false;
  };

  std::printf("%d concurrent clients, %d requests each per operation; p99 target %.0f ms\n", clients, requests,
              absl::GetFlag(FLAGS_target_ms));
  std::printf("%-22s %6s %6s %8s %8s %8s %8s  %s\n", "operation", "n", "errors", "p50 ms", "p90 ms", "p99 ms",
              "max ms", "answers");
  int failed_ops = 0, misses = 0;
  for (const Operation& op : operations) {
    if (!selected(op.name)) continue;
    Outcome probe = op.call(0, 0);
    if (probe.status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      std::printf("%-22s UNIMPLEMENTED by this server: skipped\n", op.name.c_str());
      std::fflush(stdout);
      continue;
    }
    std::fill(page_token.begin(), page_token.end(), "");
    std::fill(pages.begin(), pages.end(), 0);
    Stats stats;
    std::mutex mu;
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        Stats local;
        for (int i = 0; i < requests; ++i) {
          auto begin = Clock::now();
          Outcome out = op.call(c, i);
          local.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
          if (!out.status.ok()) {
            if (local.errors++ == 0)
              local.first_error =
                  std::to_string(static_cast<int>(out.status.error_code())) + " " + out.status.error_message();
            continue;
          }
          local.items += out.items;
          local.total += out.total;
          if (!out.complete) ++local.incomplete;
        }
        std::lock_guard<std::mutex> lock(mu);
        stats.ms.insert(stats.ms.end(), local.ms.begin(), local.ms.end());
        stats.errors += local.errors;
        stats.incomplete += local.incomplete;
        stats.items += local.items;
        stats.total += local.total;
        if (stats.first_error.empty()) stats.first_error = local.first_error;
      });
    }
    for (auto& t : threads) t.join();
    std::sort(stats.ms.begin(), stats.ms.end());
    const int ok = static_cast<int>(stats.ms.size()) - stats.errors;
    const double p99 = Percentile(stats.ms, 0.99);
    std::printf("%-22s %6zu %6d %8.2f %8.2f %8.2f %8.2f  %.1f items, total %.0f%s%s\n", op.name.c_str(),
                stats.ms.size(), stats.errors, Percentile(stats.ms, 0.50), Percentile(stats.ms, 0.90), p99,
                stats.ms.back(), ok ? static_cast<double>(stats.items) / ok : 0.0,
                ok ? static_cast<double>(stats.total) / ok : 0.0,
                stats.incomplete ? (" (" + std::to_string(stats.incomplete) + " without all facets)").c_str() : "",
                p99 > absl::GetFlag(FLAGS_target_ms) ? "  MISS" : "");
    if (stats.errors) std::printf("  first error: %s\n", stats.first_error.c_str());
    std::fflush(stdout);
    if (stats.errors) ++failed_ops;
    if (p99 > absl::GetFlag(FLAGS_target_ms)) ++misses;
  }
  std::printf("%d operations with errors, %d above the p99 target\n", failed_ops, misses);
  return failed_ops > 0 ? 1 : 0;
}
