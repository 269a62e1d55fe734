// Tests of the NER library: CoNLL reading, conlleval-style scoring, the
// model file, training (fit and determinism) and, when the CoNLL-2003 files
// are present next to the repository, the committed model's development F1.
// Every fixture here is made up for these tests.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/entity/ner/conll.h"
#include "services/entity/ner/ner_model.h"
#include "services/entity/ner/ner_trainer.h"
#include "services/entity/test_paths.h"

namespace dossier::entity::ner {
namespace {

using ::testing::ElementsAre;

// "Ana/PER Ruiz/PER flew to Lima/LOC ." -> one sentence with IOB1 tags
// (B- only between adjacent entities of one type, marked "Word/B-PER").
ConllSentence Sentence(std::string_view text) {
  ConllSentence s;
  std::string prev_type;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    size_t slash = item.rfind('/');
    if (slash == std::string_view::npos || slash == 0) {
      s.tokens.emplace_back(item);
      s.tags.push_back("O");
      prev_type.clear();
      continue;
    }
    s.tokens.emplace_back(item.substr(0, slash));
    std::string type(item.substr(slash + 1));
    if (type.starts_with("B-")) {
      s.tags.push_back(type);
      prev_type = type.substr(2);
    } else {
      s.tags.push_back("I-" + type);
      prev_type = type;
    }
  }
  return s;
}

std::vector<ConllDocument> FixtureDocuments() {
  const char* kDocs[][12] = {
      {"Maria/PER Lopez/PER met officials of Northwind/ORG Bank/ORG in Valdera/LOC on Monday .",
       "Lopez/PER said Northwind/ORG would open an office in Port/LOC Ellis/LOC .",
       "The Valderan/MISC economy grew by 3 percent last year .",
       "Shares of Northwind/ORG rose 2.5 percent .", nullptr},
      {"TOKARA/LOC FLOODS DAMAGE CROPS", "Heavy rain hit Tokara/LOC on Tuesday , the Ministry/ORG of/ORG Water/ORG said .",
       "Farmers near Ostin/LOC lost their harvest .", "Jan/PER Berg/PER , a farmer , said the river rose overnight .",
       "Berg/PER asked Tokara/LOC for help .", nullptr},
      {"Kessler/ORG Motors/ORG hired Tom/PER Adair/PER as chief executive .",
       "Adair/PER previously ran Brightline/ORG in Carvena/LOC .", "The Carvenan/MISC Open/MISC starts next week .",
       "Kessler/ORG Motors/ORG sold 40,000 cars in Carvena/LOC and Valdera/LOC .", "Analysts expect more growth .",
       nullptr},
      {"SOCCER - ROVERS/ORG BEAT UNITED/ORG 2-1", "Rovers/ORG beat United/ORG 2-1 in Marlow/LOC on Saturday .",
       "Sam/PER Okoye/PER scored twice for Rovers/ORG .", "Okoye/PER has scored 12 goals this season .",
       "United/ORG play Harbor/ORG City/ORG next .", "The Premier/MISC Cup/MISC final is in May .", nullptr},
      {"Lena/PER Voss/PER and Ivo/B-PER Marek/PER signed the Treaty/MISC of/MISC Arden/MISC .",
       "Voss/PER spoke in Arden/LOC , the capital of Valdera/LOC .",
       "Marek/PER flew home to Ostin/LOC after the talks .", "The talks lasted two days .",
       "Delegates from the Union/ORG of/ORG Coastal/ORG States/ORG attended .", nullptr},
      {"Prices at Delmar/ORG Foods/ORG fell in Port/LOC Ellis/LOC .",
       "Delmar/ORG blamed the weather in Tokara/LOC .", "Maria/PER Lopez/PER will visit Ostin/LOC in June .",
       "Inflation was 4 percent in May .", "The Northwind/ORG report was published on Friday .", nullptr},
  };
  std::vector<ConllDocument> docs;
  for (const auto& doc : kDocs) {
    ConllDocument d;
    for (const char* const* s = doc; *s != nullptr; ++s) d.sentences.push_back(Sentence(*s));
    docs.push_back(std::move(d));
  }
  return docs;
}

Gazetteer FixtureGazetteer() {
  Gazetteer g;
  g.AddName("Valdera", Gazetteer::kLocation);
  g.AddName("Port Ellis", Gazetteer::kLocation);
  g.AddName("Maria Lopez", Gazetteer::kPerson);
  g.AddName("Union of Coastal States", Gazetteer::kOrganization);
  g.AddName("Valderan", Gazetteer::kDemonym);
  return g;
}

TrainOptions SmallOptions(uint64_t seed) {
  TrainOptions options;
  options.epochs = 15;
  options.seed = seed;
  options.hash_bits = 18;
  return options;
}

std::vector<std::vector<std::string>> TagAll(const NerModel& model, const std::vector<ConllDocument>& docs) {
  Evaluation e = Evaluate(model, docs, true);
  return e.predicted;
}

// --- CoNLL reader -----------------------------------------------------------

TEST(ConllTest, ParsesDocumentsSentencesAndLastColumn) {
  const std::string text =
      "-DOCSTART- -X- -X- O\n"
      "\n"
      "Ana NNP B-NP I-PER\n"
      "Ruiz NNP I-NP I-PER\n"
      "left VBD B-VP O\n"
      "\n"
      "Lima NNP B-NP I-LOC\n"
      "\n"
      "-DOCSTART- -X- -X- O\n"
      "\n"
      "Hello UH O O\r\n"
      "world NN B-NP O\n";
  auto docs = ParseConll(text);
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 2u);
  ASSERT_EQ((*docs)[0].sentences.size(), 2u);
  EXPECT_THAT((*docs)[0].sentences[0].tokens, ElementsAre("Ana", "Ruiz", "left"));
  EXPECT_THAT((*docs)[0].sentences[0].tags, ElementsAre("I-PER", "I-PER", "O"));
  EXPECT_THAT((*docs)[1].sentences[0].tags, ElementsAre("O", "O"));
  EXPECT_FALSE(ParseConll("oneColumn\n").ok());
}

TEST(ConllTest, Iob1Spans) {
  // I- starts an entity unless it follows the same type; B- splits adjacent
  // entities of one type.
  std::vector<Span> spans = SpansFromTags({"I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG", "I-ORG", "O", "I-MISC"});
  EXPECT_THAT(spans, ElementsAre(Span{0, 2, "PER"}, Span{2, 3, "PER"}, Span{4, 5, "LOC"}, Span{5, 7, "ORG"},
                                 Span{8, 9, "MISC"}));
}

TEST(ConllTest, Iob2SpansAndRoundTrips) {
  std::vector<std::string> iob2 = {"B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG", "I-ORG"};
  std::vector<Span> spans = SpansFromTags(iob2);
  EXPECT_THAT(spans, ElementsAre(Span{0, 2, "PER"}, Span{2, 3, "PER"}, Span{4, 5, "LOC"}, Span{5, 7, "ORG"}));
  EXPECT_EQ(Iob2FromSpans(spans, 7), iob2);
  EXPECT_THAT(Iob1FromSpans(spans, 7), ElementsAre("I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG", "I-ORG"));
  EXPECT_EQ(SpansFromTags(Iob1FromSpans(spans, 7)), spans);
  EXPECT_EQ(SpansFromBilou(BilouFromSpans(spans, 7)), spans);
}

TEST(ConllTest, DetectsScheme) {
  std::vector<ConllDocument> docs(1);
  docs[0].sentences.push_back({{"a", "b", "c"}, {"I-PER", "B-PER", "O"}});
  EXPECT_EQ(DetectScheme(docs), TagScheme::kIob1);
  docs[0].sentences.push_back({{"d"}, {"B-LOC"}});
  EXPECT_EQ(DetectScheme(docs), TagScheme::kIob2);
}

// --- Scoring ----------------------------------------------------------------

TEST(ChunkEvaluatorTest, ExactMatchPartialAndTypeErrors) {
  ChunkEvaluator e;
  // Gold: [Ana Ruiz]PER ... [Lima]LOC [Acme Corp]ORG.
  // Predicted: [Ana]PER (partial: wrong), [Lima]ORG (type error: wrong),
  // [Acme Corp]ORG (right), [today]MISC (spurious).
  e.Add({"I-PER", "I-PER", "O", "I-LOC", "I-ORG", "I-ORG", "O"},
        {"I-PER", "O", "O", "I-ORG", "B-ORG", "I-ORG", "I-MISC"});
  EXPECT_EQ(e.total().gold, 3);
  EXPECT_EQ(e.total().predicted, 4);
  EXPECT_EQ(e.total().correct, 1);
  ChunkScore all = e.Overall();
  EXPECT_NEAR(all.precision, 25.0, 1e-9);
  EXPECT_NEAR(all.recall, 100.0 / 3, 1e-9);
  EXPECT_NEAR(all.f1, 2 * 25.0 * (100.0 / 3) / (25.0 + 100.0 / 3), 1e-9);
  EXPECT_EQ(e.by_type().at("ORG").predicted, 2);
  EXPECT_EQ(e.by_type().at("ORG").correct, 1);
  EXPECT_NEAR(e.ForType("ORG").precision, 50.0, 1e-9);
  EXPECT_NEAR(e.ForType("ORG").recall, 100.0, 1e-9);
  EXPECT_EQ(e.ForType("PER").f1, 0.0);
  EXPECT_EQ(e.ForType("LOC").precision, 0.0);  // nothing predicted as LOC
  EXPECT_EQ(e.tokens(), 7);
  EXPECT_EQ(e.correct_tags(), 3);  // tokens 0, 2 and 5
  EXPECT_THAT(e.Report(), ::testing::HasSubstr("FB1:  28.57"));
}

TEST(ChunkEvaluatorTest, BoundaryDifferencesAreWrongEvenWhenOverlapping) {
  ChunkEvaluator e;
  e.Add({"I-ORG", "I-ORG", "I-ORG"}, {"I-ORG", "I-ORG", "B-ORG"});
  EXPECT_EQ(e.total().gold, 1);
  EXPECT_EQ(e.total().predicted, 2);
  EXPECT_EQ(e.total().correct, 0);
  EXPECT_EQ(e.Overall().f1, 0.0);
}

// --- Gazetteer ----------------------------------------------------------------

TEST(GazetteerTest, LongestMatchCaseInsensitive) {
  Gazetteer g;
  g.AddName("New York", Gazetteer::kLocation);
  g.AddName("New York Times", Gazetteer::kOrganization);
  g.AddName("York", Gazetteer::kLocation);
  NerWorkspace ws;
  std::vector<std::string_view> tokens = {"the", "NEW", "YORK", "Times", "in", "york"};
  ExtractFeatures(tokens, g, nullptr, 16, &ws);
  // B/I/L = 1/2/3, U = 4 in the high nibble; categories in the low one.
  EXPECT_THAT(ws.gaz, ElementsAre(0, (1 << 4) | Gazetteer::kOrganization, (2 << 4) | Gazetteer::kOrganization,
                                  (3 << 4) | Gazetteer::kOrganization, 0, (4 << 4) | Gazetteer::kLocation));
}

// --- Training and the model file ---------------------------------------------

TEST(NerModelTest, TinyModelTagsItsTrainingSentences) {
  std::vector<ConllDocument> docs = FixtureDocuments();
  NerModel model = Train(docs, FixtureGazetteer(), SmallOptions(7));
  Evaluation e = Evaluate(model, docs, true);
  EXPECT_EQ(e.chunks.Overall().f1, 100.0) << e.chunks.Report();
  EXPECT_GT(e.chunks.total().gold, 50);
}

TEST(NerModelTest, SaveLoadRoundTripGivesIdenticalTags) {
  std::vector<ConllDocument> docs = FixtureDocuments();
  NerModel model = Train(docs, FixtureGazetteer(), SmallOptions(7));
  const std::string path = ::testing::TempDir() + "/ner_roundtrip.model";
  ASSERT_TRUE(model.Save(path).ok());
  auto loaded = NerModel::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->Serialize(), model.Serialize());
  EXPECT_EQ(TagAll(*loaded, docs), TagAll(model, docs));
  // Unseen text, too.
  std::vector<std::vector<std::string_view>> text = {{"Lena", "Okoye", "visited", "Port", "Ellis", "."}};
  NerWorkspace ws;
  EXPECT_EQ(loaded->TagDocument(text, &ws), model.TagDocument(text, &ws));
}

TEST(NerModelTest, RejectsCorruptFiles) {
  NerModel model = Train(FixtureDocuments(), FixtureGazetteer(), SmallOptions(7));
  std::string bytes = model.Serialize();
  EXPECT_FALSE(NerModel::Parse("not a model").ok());
  EXPECT_FALSE(NerModel::Parse(std::string_view(bytes).substr(0, bytes.size() - 3)).ok());
  EXPECT_FALSE(NerModel::Load(::testing::TempDir() + "/does-not-exist.model").ok());
}

TEST(NerModelTest, SameSeedGivesByteIdenticalModel) {
  std::vector<ConllDocument> docs = FixtureDocuments();
  TrainOptions options = SmallOptions(42);
  options.epochs = 5;
  std::string a = Train(docs, FixtureGazetteer(), options).Serialize();
  std::string b = Train(docs, FixtureGazetteer(), options).Serialize();
  EXPECT_EQ(a, b);
}

TEST(NerModelTest, EmptySentence) {
  NerModel model = Train(FixtureDocuments(), FixtureGazetteer(), SmallOptions(7));
  NerWorkspace ws;
  std::vector<uint8_t> tags = {1, 2};
  model.Tag({}, nullptr, &ws, &tags);
  EXPECT_TRUE(tags.empty());
}

// --- The committed model on CoNLL-2003 dev -----------------------------------

std::string BinDir() {
  if (const char* env = std::getenv("DOSSIER_BIN_DIR"); env != nullptr && *env != '\0') return env;
  return DOSSIER_TEST_BIN_DIR;
}

TEST(NerModelTest, CommittedModelScoresOnConll2003Dev) {
  const std::string valid = SourceDir() + "/../shared/data/ner/conll2003/valid.txt";
  const std::string model = SourceDir() + "/data/models/ner-en.model";
  if (std::FILE* f = std::fopen(valid.c_str(), "r"); f == nullptr) {
    GTEST_SKIP() << "CoNLL-2003 development file not found at " << valid
                 << " (it is not part of the repository); skipping the F1 check";
  } else {
    std::fclose(f);
  }
  const std::string command = BinDir() + "/ner-eval --model " + model + " " + valid + " 2>&1";
  std::FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0) << output;
  // "accuracy: ...; precision: ...; recall: ...; FB1:  91.62"
  size_t pos = output.find("FB1:");
  ASSERT_NE(pos, std::string::npos) << output;
  double f1 = std::strtod(output.c_str() + pos + 4, nullptr);
  EXPECT_GE(f1, 91.0) << output;
}

}  // namespace
}  // namespace dossier::entity::ner
