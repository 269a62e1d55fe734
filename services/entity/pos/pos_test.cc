// Tests of the POS tagger: the CoNLL reader, re-tokenization into the entity
// tokenizer's conventions, the model file (round trip, bad bytes), training
// (fit and determinism), the committed model on typical news sentences and,
// when the CoNLL-2003 files are present next to the repository, its
// development-set accuracy. Every fixture here is made up for these tests.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "services/entity/pos/pos_tagger.h"
#include "services/entity/pos/pos_tokenize.h"
#include "services/entity/pos/pos_trainer.h"
#include "services/entity/test_paths.h"

namespace dossier::entity::pos {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// "the/DT cat/NN sat/VBD ./." -> a sentence.
PosSentence Sentence(std::string_view text) {
  PosSentence s;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = text.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    const size_t slash = item.rfind('/');
    s.tokens.emplace_back(item.substr(0, slash));
    const int tag = TagId(item.substr(slash + 1));
    EXPECT_GE(tag, 0) << item;
    s.tags.push_back(static_cast<uint8_t>(tag));
  }
  return s;
}

std::vector<std::string> TagNames(const PosSentence& s) {
  std::vector<std::string> out;
  for (uint8_t t : s.tags) out.emplace_back(kModelTags[t]);
  return out;
}

std::vector<PosSentence> Fixture() {
  const char* kSentences[] = {
      "The/DT envoy/NN arrived/VBD in/IN Valdera/NNP on/IN Monday/NNP ./.",
      "The/DT ministers/NNS signed/VBD an/DT accord/NN ./.",
      "Talks/NNS will/MD resume/VB in/IN Ostin/NNP next/JJ week/NN ./.",
      "She/PRP said/VBD the/DT talks/NNS were/VBD useful/JJ ./.",
      "The/DT accord/NN was/VBD signed/VBN in/IN Valdera/NNP ./.",
      "Two/CD envoys/NNS met/VBD the/DT president/NN ,/, officials/NNS said/VBD ./.",
      "He/PRP will/MD visit/VB Ostin/NNP on/IN Friday/NNP ./.",
      "The/DT president/NN has/VBZ rejected/VBN the/DT proposal/NN ./.",
      "Officials/NNS reject/VBP the/DT new/JJ proposal/NN ./.",
      "The/DT visit/NN was/VBD postponed/VBN ./.",
  };
  std::vector<PosSentence> out;
  for (const char* s : kSentences) out.push_back(Sentence(s));
  return out;
}

TrainOptions SmallOptions() {
  TrainOptions options;
  options.epochs = 10;
  options.hash_bits = 16;
  options.lexicon_min_count = 2;
  options.dictionary_min_count = 3;
  return options;
}

std::vector<std::string> TagWith(const PosTagger& tagger, const std::vector<std::string>& tokens) {
  const std::vector<std::string_view> views(tokens.begin(), tokens.end());
  const std::vector<std::string_view> tags = tagger.Tag(views);
  return std::vector<std::string>(tags.begin(), tags.end());
}

TEST(PosConllTest, ReadsTokensAndTagsSkippingDocumentMarkers) {
  auto sentences = ParsePosConll(
      "-DOCSTART- -X- -X- O\n\nTalks NNS B-NP O\nended VBD B-VP O\n. . O O\n\n\"\t\"\tO\tO\nYes UH O O\n"
      "x NN|SYM O O\r\n");
  ASSERT_TRUE(sentences.ok()) << sentences.status();
  ASSERT_EQ(sentences->size(), 2u);
  EXPECT_THAT((*sentences)[0].tokens, ElementsAre("Talks", "ended", "."));
  EXPECT_THAT(TagNames((*sentences)[0]), ElementsAre("NNS", "VBD", "."));
  EXPECT_THAT((*sentences)[1].tokens, ElementsAre("\"", "Yes", "x"));
  EXPECT_THAT(TagNames((*sentences)[1]), ElementsAre("''", "UH", "NN"));
}

TEST(PosConllTest, RejectsUnknownTagsAndMissingColumns) {
  auto unknown = ParsePosConll("Talks NNS\nended VERB\n");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("line 2"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("VERB"));
  auto short_line = ParsePosConll("Talks\n");
  EXPECT_EQ(short_line.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadPosConllFile("/nonexistent/pos.txt").status().code(), absl::StatusCode::kNotFound);
}

TEST(PosRetokenizeTest, FollowsTheEntityTokenizer) {
  const PosSentence s = Sentence(
      "Sino-Russian/JJ talks/NNS do/VBP n't/RB stop/VB ,/, they/PRP 're/VBP told/VBN "
      "in/IN Russia/NNP 's/POS capital/NN on/IN 8./CD AT&T/NNP 1996-97/CD");
  const PosSentence r = Retokenize(s, EntityTokenizer());
  EXPECT_THAT(r.tokens,
              ElementsAre("Sino", "-", "Russian", "talks", "don't", "stop", ",", "they're", "told", "in",
                          "Russia", "'s", "capital", "on", "8", ".", "AT", "&", "T", "1996", "-", "97"));
  EXPECT_THAT(TagNames(r),
              ElementsAre("JJ", "HYPH", "JJ", "NNS", "VBP", "VB", ",", "PRP", "VBN", "IN", "NNP", "POS", "NN",
                          "IN", "CD", ".", "NNP", "NNP", "NNP", "CD", "HYPH", "CD"));
}

TEST(PosRecaseTest, TitleUpperAndLowerCase) {
  const PosSentence s = Sentence("Putin/NNP telephoned/VBD the/DT leader/NN of/IN China/NNP");
  EXPECT_THAT(Recase(s, Casing::kTitle).tokens,
              ElementsAre("Putin", "Telephoned", "the", "Leader", "of", "China"));
  EXPECT_THAT(Recase(s, Casing::kUpper).tokens,
              ElementsAre("PUTIN", "TELEPHONED", "THE", "LEADER", "OF", "CHINA"));
  EXPECT_THAT(Recase(s, Casing::kLower).tokens,
              ElementsAre("putin", "telephoned", "the", "leader", "of", "china"));
  EXPECT_EQ(Recase(s, Casing::kLower).tags, s.tags);
}

TEST(PosTrainTest, LearnsTheFixtureDeterministically) {
  const std::vector<PosSentence> fixture = Fixture();
  const PosTagger tagger = Train(fixture, SmallOptions());
  for (const PosSentence& s : fixture) {
    EXPECT_THAT(TagWith(tagger, s.tokens), ElementsAreArray(TagNames(s)));
  }
  // Same input and options, same bytes; another seed visits sentences in
  // another order.
  EXPECT_EQ(Train(fixture, SmallOptions()).Serialize(), tagger.Serialize());
  TrainOptions other = SmallOptions();
  other.seed = 7;
  EXPECT_NE(Train(fixture, other).Serialize(), tagger.Serialize());
  // A word seen often enough with one tag is in the lexicon as unambiguous.
  EXPECT_GT(tagger.num_lexicon_words(), 0u);
  EXPECT_EQ(tagger.lexicon().at(WordKey("the")), (TagId("DT") + 1) | kUnambiguous);
}

TEST(PosModelFileTest, RoundTripTagsTheSame) {
  const std::vector<PosSentence> fixture = Fixture();
  const PosTagger tagger = Train(fixture, SmallOptions());
  const std::string bytes = tagger.Serialize();
  auto parsed = PosTagger::Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Serialize(), bytes);
  EXPECT_EQ(parsed->num_weights(), tagger.num_weights());
  EXPECT_EQ(parsed->hash_bits(), 16);
  const std::vector<std::string> unseen = {"The", "envoys", "rejected", "an", "accord", "in", "Carvena", "."};
  EXPECT_EQ(TagWith(*parsed, unseen), TagWith(tagger, unseen));

  const std::string path = ::testing::TempDir() + "/pos_test.model";
  ASSERT_TRUE(tagger.Save(path).ok());
  auto loaded = PosTagger::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->Serialize(), bytes);
  std::remove(path.c_str());
}

TEST(PosModelFileTest, BadBytesAreErrorsNotCrashes) {
  const std::string bytes = Train(Fixture(), SmallOptions()).Serialize();
  auto missing = PosTagger::Load("/nonexistent/pos-en.model");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("/nonexistent/pos-en.model"));
  EXPECT_EQ(PosTagger::Parse("").status().code(), absl::StatusCode::kDataLoss);
  auto garbage = PosTagger::Parse("GIF89a not a model at all");
  EXPECT_EQ(garbage.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(garbage.status().message(), HasSubstr("not a Dossier POS model"));
  // Every truncation is an error.
  for (size_t len = 0; len < bytes.size(); len += std::max<size_t>(1, len / 64)) {
    auto truncated = PosTagger::Parse(std::string_view(bytes).substr(0, len));
    ASSERT_FALSE(truncated.ok()) << "length " << len;
    EXPECT_EQ(truncated.status().code(), absl::StatusCode::kDataLoss) << "length " << len;
  }
  EXPECT_EQ(PosTagger::Parse(bytes + "x").status().code(), absl::StatusCode::kDataLoss);
  // Flipped bytes never crash: each parse fails or gives a usable tagger.
  for (size_t pos = 8; pos < bytes.size(); pos += 7) {
    std::string corrupt = bytes;
    corrupt[pos] = static_cast<char>(corrupt[pos] ^ 0x5a);
    auto parsed = PosTagger::Parse(corrupt);
    if (parsed.ok()) EXPECT_EQ(TagWith(*parsed, {"The", "talks", "."}).size(), 3u);
  }
  // Another format version.
  std::string version = bytes;
  version[8] = 9;
  EXPECT_THAT(PosTagger::Parse(version).status().message(), HasSubstr("unsupported format version 9"));
}

TEST(PosTaggerTest, EmptySentenceAndPunctuationConventions) {
  const PosTagger tagger = Train(Fixture(), SmallOptions());
  EXPECT_TRUE(tagger.Tag(std::vector<std::string_view>{}).empty());
  // Quotes are tagged by their characters; "#" is #.
  const std::vector<std::string> tokens = {"\xE2\x80\x9C", "Talks", "\xE2\x80\x9D", "#", "\"", "x", "\""};
  const std::vector<std::string> tags = TagWith(tagger, tokens);
  EXPECT_EQ(tags[0], "``");
  EXPECT_EQ(tags[2], "''");
  EXPECT_EQ(tags[3], "#");
  EXPECT_EQ(tags[4], "``");
  EXPECT_EQ(tags[6], "''");
}

// The committed model.

const PosTagger& ShippedModel() {
  static const PosTagger* tagger = [] {
    auto loaded = PosTagger::Load(SourceDir() + "/data/models/pos-en.model");
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return new PosTagger(loaded.ok() ? *std::move(loaded) : PosTagger());
  }();
  return *tagger;
}

// Tokenizes `text` as the entity service does and returns "token/TAG" items.
std::vector<std::string> Tagged(std::string_view text) {
  const std::vector<std::string> tokens = TokenizeForTagging(text);
  const std::vector<std::string> tags = TagWith(ShippedModel(), tokens);
  std::vector<std::string> out;
  for (size_t i = 0; i < tokens.size(); ++i) out.push_back(tokens[i] + "/" + tags[i]);
  return out;
}

TEST(ShippedPosModelTest, DiplomaticNews) {
  EXPECT_THAT(Tagged("Russian President Vladimir Putin telephoned Chinese President Jiang Zemin on Monday."),
              ElementsAre("Russian/NNP", "President/NNP", "Vladimir/NNP", "Putin/NNP", "telephoned/VBD",
                          ::testing::AnyOf("Chinese/JJ", "Chinese/NNP"), "President/NNP", "Jiang/NNP",
                          "Zemin/NNP", "on/IN", "Monday/NNP", "./."));
  EXPECT_THAT(
      Tagged("The two leaders held talks in Moscow."),
      ElementsAre("The/DT", "two/CD", "leaders/NNS", "held/VBD", "talks/NNS", "in/IN", "Moscow/NNP", "./."));
  EXPECT_THAT(Tagged("China and Russia signed a treaty of friendship."),
              ElementsAre("China/NNP", "and/CC", "Russia/NNP", "signed/VBD", "a/DT", "treaty/NN", "of/IN",
                          "friendship/NN", "./."));
  EXPECT_THAT(Tagged("He will visit Beijing next week."),
              ElementsAre("He/PRP", "will/MD", "visit/VB", "Beijing/NNP", "next/JJ", "week/NN", "./."));
  EXPECT_THAT(Tagged("The visit was postponed."),
              ElementsAre("The/DT", "visit/NN", "was/VBD", "postponed/VBN", "./."));
  EXPECT_THAT(Tagged("Rebels seized the town on Tuesday, killing 12 soldiers."),
              ElementsAre("Rebels/NNS", "seized/VBD", "the/DT", "town/NN", "on/IN", "Tuesday/NNP", ",/,",
                          "killing/VBG", "12/CD", "soldiers/NNS", "./."));
}

TEST(ShippedPosModelTest, TokenizerConventions) {
  // Curly quotes and apostrophes, a split possessive, a kept contraction and
  // a hyphenated compound, as the entity tokenizer produces them.
  EXPECT_THAT(
      Tagged("Russia\xE2\x80\x99s minister said: \xE2\x80\x9CWe don\xE2\x80\x99t accept the Sino-Russian "
             "plan,\xE2\x80\x9D and talks won't resume."),
      ElementsAre("Russia/NNP", "\xE2\x80\x99s/POS", "minister/NN", "said/VBD", ":/:", "\xE2\x80\x9C/``",
                  "We/PRP", "don\xE2\x80\x99t/VBP", "accept/VB", "the/DT", "Sino/JJ", "-/HYPH", "Russian/JJ",
                  "plan/NN", ",/,", "\xE2\x80\x9D/''", "and/CC", "talks/NNS", "won't/MD", "resume/VB",
                  "./."));
  EXPECT_THAT(Tagged("Mr. Annan met U.N. officials."),
              ElementsAre("Mr./NNP", "Annan/NNP", "met/VBD", "U.N./NNP", "officials/NNS", "./."));
}

TEST(ShippedPosModelTest, ThreadsShareOneTagger) {
  const std::vector<std::string> tokens =
      TokenizeForTagging("China and Russia signed a treaty of friendship.");
  const std::vector<std::string> expected = TagWith(ShippedModel(), tokens);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      PosWorkspace ws;
      std::vector<std::string_view> tags;
      const std::vector<std::string_view> views(tokens.begin(), tokens.end());
      for (int round = 0; round < 200; ++round) {
        ShippedModel().Tag(views, &ws, &tags);
        mismatches[t] += std::vector<std::string>(tags.begin(), tags.end()) != expected;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_THAT(mismatches, ElementsAre(0, 0, 0, 0));
}

TEST(ShippedPosModelTest, AccuracyOnConll2003Dev) {
  const std::string valid = SourceDir() + "/../shared/data/ner/conll2003/valid.txt";
  if (std::FILE* f = std::fopen(valid.c_str(), "r"); f == nullptr) {
    GTEST_SKIP() << "CoNLL-2003 development file not found at " << valid
                 << " (it is not part of the repository); skipping the accuracy check";
  } else {
    std::fclose(f);
  }
  auto sentences = ReadPosConllFile(valid);
  ASSERT_TRUE(sentences.ok()) << sentences.status();
  const PosEvaluation as_written = Evaluate(ShippedModel(), *sentences);
  EXPECT_GE(as_written.accuracy(), 95.0) << as_written.Report(10);
  std::vector<PosSentence> retokenized;
  for (const PosSentence& s : *sentences) retokenized.push_back(Retokenize(s, EntityTokenizer()));
  const PosEvaluation split = Evaluate(ShippedModel(), retokenized);
  EXPECT_GE(split.accuracy(), 94.0) << split.Report(10);
}

}  // namespace
}  // namespace dossier::entity::pos
