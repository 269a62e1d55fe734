// Parses the seed articles in shared/corpus/seeds (outside the repository)
// when they are there; their text is never copied into the repository.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "services/ingest/article_parser.h"

namespace dossier::ingest {
namespace {

// <repository>/../shared/corpus/seeds, the repository from DOSSIER_SOURCE_DIR
// or else from where this test was built.
std::filesystem::path SeedDir() {
  const char* source_dir = std::getenv("DOSSIER_SOURCE_DIR");
#ifdef DOSSIER_TEST_SOURCE_DIR  // set for every test by dossier_test()
  if (source_dir == nullptr || *source_dir == '\0') source_dir = DOSSIER_TEST_SOURCE_DIR;
#endif
  if (source_dir == nullptr) return {};
  return std::filesystem::path(source_dir) / ".." / "shared" / "corpus" / "seeds";
}

// The seed whose file name starts with `prefix` ("000"), or "" if absent.
std::string ReadSeed(const std::string& prefix) {
  const std::filesystem::path dir = SeedDir();
  std::error_code ec;
  if (dir.empty() || !std::filesystem::is_directory(dir, ec)) return "";
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().rfind(prefix + "_", 0) != 0) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }
  return "";
}

struct SeedCase {
  const char* prefix;
  const char* title;      // nullptr: not checked
  const char* published;  // "" for unknown
};

void PrintTo(const SeedCase& c, std::ostream* os) { *os << "seed " << c.prefix; }

class SeedsTest : public ::testing::TestWithParam<SeedCase> {};

TEST_P(SeedsTest, TitleAndDate) {
  const SeedCase& c = GetParam();
  const std::string text = ReadSeed(c.prefix);
  if (text.empty()) {
    GTEST_SKIP() << "seed " << c.prefix << " not found under " << SeedDir()
                 << " (set DOSSIER_SOURCE_DIR to the repository; the seeds live in ../shared/corpus/seeds)";
  }
  ArticleRequest request;
  request.body = text;
  absl::StatusOr<ParsedArticle> article = BuildArticle(request, 1 << 20);
  ASSERT_TRUE(article.ok()) << article.status();
  if (c.title != nullptr) EXPECT_EQ(article->title, c.title);
  EXPECT_EQ(article->published.ToString(), c.published);
  EXPECT_EQ(article->published_found, std::string(c.published) != "");
  EXPECT_EQ(article->language, "en");
  // No page furniture survives, and the title is not repeated in the body.
  for (const char* noise :
       {"Suggest To A Friend", "Go to contents", "In This Series", "Home", "@", "Posted", "\xED\x95\x9C"}) {
    EXPECT_EQ(article->body.find(noise), std::string::npos) << noise << " in body of seed " << c.prefix;
  }
  for (absl::string_view paragraph : absl::StrSplit(article->body, "\n\n")) {
    EXPECT_NE(paragraph, article->title) << "the title is repeated in the body";
  }
  EXPECT_EQ(article->body.find("\n\n\n"), std::string::npos);
  EXPECT_NE(article->body.find("\n\n"), std::string::npos);
  EXPECT_GT(article->body.size(), 500u);
}

INSTANTIATE_TEST_SUITE_P(
    Seeds, SeedsTest,
    ::testing::Values(SeedCase{"000", "President Jiang had a phone conversation with Russian President Putin",
                               "2001-09-19"},
                      SeedCase{"001", "President Jiang Zemin Meets Russian President Vladimir Putin",
                               "2001-06-14"},
                      SeedCase{"002", "China, Russia Highlight Security Cooperation", "2002-07-18"},
                      SeedCase{"003", "Jiang: China, Russia Always Be Good Partners", ""},
                      SeedCase{"004", "Xi Telephoned Russian President Vladimir Putin", "2021-08-26"}),
    [](const ::testing::TestParamInfo<SeedCase>& info) { return std::string("seed_") + info.param.prefix; });

}  // namespace
}  // namespace dossier::ingest
