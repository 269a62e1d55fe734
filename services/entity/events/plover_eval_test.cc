// Tests of the PLOVER gold-standard scoring (tools/events/plover_eval.h) on
// records written for these tests.

#include "tools/events/plover_eval.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace dossier::tools::events {
namespace {

TEST(PloverScoringTest, GoldTypesOfThe2016DraftAreScoredByCameoRoot) {
  const std::map<std::string, std::string> table =
      ParseCameoToPlover("# comment\n04: CONSULT\n042: CONSULT, visit,\n09: ACCUSE\n10: REQUEST\n"
                         "11: ACCUSE\n12: REJECT\n18: ASSAULT\n19: ASSAULT\n20: ASSAULT\n");
  EXPECT_EQ(PloverType(table, "0421"), "CONSULT");
  EXPECT_EQ(GsrType(table, "042"), "CONSULT");
  EXPECT_EQ(GsrType(table, "090"), "INVESTIGATE");
  EXPECT_EQ(GsrType(table, "1041"), "DEMAND");
  EXPECT_EQ(GsrType(table, "112"), "DISAPPROVE");
  EXPECT_EQ(GsrType(table, "120"), "REJECT");
  EXPECT_EQ(GsrType(table, "180"), "ASSAULT");
  EXPECT_EQ(GsrType(table, "190"), "FIGHT");
  EXPECT_EQ(GsrType(table, "203"), "FIGHT");
  EXPECT_EQ(GsrType(table, "010"), "");
}

TEST(PloverScoringTest, NonIsoGoldCodesAreReadAsIso) {
  EXPECT_EQ(NormalizeGoldCode("JAP"), "JPN");
  EXPECT_EQ(NormalizeGoldCode("ITLGOV"), "ITAGOV");
  EXPECT_EQ(NormalizeGoldCode("VTN"), "VNM");
  EXPECT_EQ(NormalizeGoldCode("IGO"), "IGO");
  auto records = ParsePloverGsr(
      R"([{"id": "D", "event": "DOCUMENT", "text": "ignored"},
          {"id": "A", "event": "consult", "text": "Arnor met Tokyo.",
           "source": [{"actorText": "Arnor", "code": "ARN"}],
           "target": [{"actorText": "Tokyo", "code": "JAP"}], "eventText": "met"},
          {"id": "B", "event": "AGREE", "text": "Arnor and Gondor agreed.",
           "source": [{"actorText": "Arnor", "code": "ARN"}, {"actorText": "Gondor", "code": "GON"}],
           "target": ""}])");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  const PloverRecord& a = (*records)[0];
  EXPECT_EQ(a.event, "CONSULT");
  EXPECT_EQ(a.targets, std::vector<std::string>{"JPN"});
  EXPECT_EQ(a.target_texts, std::vector<std::string>{"Tokyo"});
  EXPECT_EQ(a.event_text, "met");
  EXPECT_TRUE(Matches(a, ScoredEvent{"ARNGOV", "JPNGOV", "CONSULT"}));
  EXPECT_FALSE(Matches(a, ScoredEvent{"JPN", "ARN", "CONSULT"}));
  EXPECT_FALSE(Matches(a, ScoredEvent{"ARN", "JPN", "AGREE"}));
  // No target (a reciprocal record): any target.
  const PloverRecord& b = (*records)[1];
  EXPECT_TRUE(b.targets.empty());
  EXPECT_TRUE(Matches(b, ScoredEvent{"GON", "ARN", "AGREE"}));
  EXPECT_FALSE(Matches(b, ScoredEvent{"MOR", "ARN", "AGREE"}));
  EXPECT_FALSE(ParsePloverGsr("{not json").ok());
}

}  // namespace
}  // namespace dossier::tools::events
