#include "clients/cli/files.h"

#include <filesystem>
#include <fstream>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dossier::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DiscoverFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("dossier_cli_files_" + std::to_string(std::random_device{}()));
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Touch(const std::string& relative) {
    fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << "x";
    return path.string();
  }
  std::string Path(const std::string& relative) const { return (root_ / relative).string(); }

  fs::path root_;
};

TEST_F(DiscoverFilesTest, WalksFoldersRecursivelyInPathOrder) {
  Touch("b.html");
  Touch("a.txt");
  Touch("sub/c.md");
  Touch("sub/deeper/d.HTM");
  Touch("sub/e.text");
  Touch("sub/notes.pdf");
  Touch("image.png");
  Touch(".hidden.txt");
  Touch(".git/ignored.txt");
  Touch("README.md");
  Touch("sub/license.txt");
  auto discovery = DiscoverFiles({root_.string()});
  ASSERT_TRUE(discovery.ok()) << discovery.status();
  std::vector<std::string> paths;
  std::vector<InputKind> kinds;
  for (const auto& f : discovery->files) {
    paths.push_back(fs::path(f.path).lexically_relative(root_).string());
    kinds.push_back(f.kind);
  }
  EXPECT_THAT(paths, ElementsAre("a.txt", "b.html", "sub/c.md", "sub/deeper/d.HTM", "sub/e.text"));
  EXPECT_THAT(kinds, ElementsAre(InputKind::kText, InputKind::kHtml, InputKind::kText, InputKind::kHtml,
                                 InputKind::kText));
  EXPECT_THAT(discovery->skipped, ElementsAre(Path("README.md"), Path("image.png"), Path("sub/license.txt"),
                                              Path("sub/notes.pdf")));
}

TEST_F(DiscoverFilesTest, ExplicitFilesAreTakenWhateverTheirExtensionAndOnlyOnce) {
  std::string data = Touch("feed.xml");
  std::string readme = Touch("README.md");
  std::string article = Touch("dir/a.txt");
  auto discovery = DiscoverFiles({data, article, Path("dir"), Path("dir/../dir/a.txt"), readme});
  ASSERT_TRUE(discovery.ok()) << discovery.status();
  ASSERT_EQ(discovery->files.size(), 3u);
  EXPECT_EQ(discovery->files[2].path, readme);
  EXPECT_EQ(discovery->files[0].path, data);
  EXPECT_EQ(discovery->files[0].kind, InputKind::kGuess);
  EXPECT_EQ(discovery->files[1].path, article);
  EXPECT_EQ(discovery->files[1].kind, InputKind::kText);
  EXPECT_TRUE(discovery->skipped.empty());
}

TEST_F(DiscoverFilesTest, MissingPathIsNotFound) {
  Touch("a.txt");
  auto discovery = DiscoverFiles({Path("a.txt"), Path("missing")});
  EXPECT_EQ(discovery.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(discovery.status().message(), HasSubstr("no such file or folder: " + Path("missing")));
}

TEST_F(DiscoverFilesTest, EmptyFolderGivesNothing) {
  fs::create_directories(root_ / "empty");
  auto discovery = DiscoverFiles({Path("empty")});
  ASSERT_TRUE(discovery.ok());
  EXPECT_TRUE(discovery->files.empty());
}

TEST(KindForPathTest, Extensions) {
  EXPECT_EQ(KindForPath("a/b.TXT"), InputKind::kText);
  EXPECT_EQ(KindForPath("b.md"), InputKind::kText);
  EXPECT_EQ(KindForPath("b.htm"), InputKind::kHtml);
  EXPECT_EQ(KindForPath("b.html.gz"), InputKind::kGuess);
  EXPECT_EQ(KindForPath("README"), InputKind::kGuess);
}

}  // namespace
}  // namespace dossier::cli
