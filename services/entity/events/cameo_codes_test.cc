// Tests of the CAMEO code table: parsing, parent fallback, errors, and the
// shipped data/cameo/cameo_codes.tsv.

#include "services/entity/events/cameo_codes.h"

#include <gtest/gtest.h>

#include <string>

#include "services/entity/test_paths.h"

namespace dossier::entity::events {
namespace {

constexpr char kTable[] =
    "# a comment\n"
    "code\tlabel\tquad_class\tgoldstein\n"
    "04\tConsult\t1\t1.0\n"
    "042\tMake a visit\t1\t1.9\n"
    "043\tHost a visit\t1\t2.8\n"
    "190\tUse conventional military force\t4\t-10.0\n";

TEST(CameoCodesTest, ParsesRowsAndFindsParents) {
  auto codes = CameoCodes::Parse(kTable);
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_EQ(codes->size(), 4u);
  const CameoCode* visit = codes->Find("042");
  ASSERT_NE(visit, nullptr);
  EXPECT_EQ(visit->label, "Make a visit");
  EXPECT_EQ(visit->root, "04");
  EXPECT_EQ(visit->quad_class, 1);
  EXPECT_DOUBLE_EQ(visit->goldstein, 1.9);
  // A sub-code the table lacks gets its parent's entry.
  const CameoCode* sub = codes->Find("0431");
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(sub->code, "043");
  EXPECT_EQ(codes->Find("04")->label, "Consult");
  // Codes outside CAMEO.
  EXPECT_EQ(codes->Find("174K"), nullptr);
  EXPECT_EQ(codes->Find("903"), nullptr);
  EXPECT_EQ(codes->Find(""), nullptr);
  EXPECT_EQ(codes->Find("05"), nullptr);
}

TEST(CameoCodesTest, RejectsBadTables) {
  auto no_column = CameoCodes::Parse("code\tlabel\tquad_class\n042\tx\t1\n", "t.tsv");
  EXPECT_EQ(no_column.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(no_column.status().message().find("t.tsv:1"), std::string::npos);
  auto bad_code = CameoCodes::Parse("code\tlabel\tquad_class\tgoldstein\n04x\tx\t1\t1.0\n");
  EXPECT_EQ(bad_code.status().code(), absl::StatusCode::kInvalidArgument);
  auto bad_quad = CameoCodes::Parse("code\tlabel\tquad_class\tgoldstein\n042\tx\t7\t1.0\n");
  EXPECT_EQ(bad_quad.status().code(), absl::StatusCode::kInvalidArgument);
  auto bad_weight = CameoCodes::Parse("code\tlabel\tquad_class\tgoldstein\n042\tx\t1\tmany\n");
  EXPECT_EQ(bad_weight.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CameoCodes::Parse("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CameoCodes::Load("/nonexistent/cameo_codes.tsv").status().code(), absl::StatusCode::kNotFound);
}

TEST(CameoCodesTest, ShippedTable) {
  auto codes = CameoCodes::Load(SourceDir() + "/data/cameo/cameo_codes.tsv");
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_GT(codes->size(), 300u);
  struct Want {
    const char* code;
    int quad_class;
    double goldstein;
  };
  for (const Want& w :
       {Want{"010", 1, 0.0}, Want{"036", 1, 4.0}, Want{"041", 1, 1.0}, Want{"042", 1, 1.9},
        Want{"043", 1, 2.8}, Want{"046", 1, 7.0}, Want{"057", 1, 8.0}, Want{"061", 2, 6.4},
        Want{"111", 3, -2.0}, Want{"120", 3, -4.0}, Want{"138", 3, -7.0}, Want{"173", 4, -5.0},
        Want{"190", 4, -10.0}, Want{"0214", 1, 3.4}, Want{"1823", 4, -10.0}}) {
    const CameoCode* c = codes->Find(w.code);
    ASSERT_NE(c, nullptr) << w.code;
    EXPECT_EQ(c->code, w.code);
    EXPECT_EQ(c->quad_class, w.quad_class) << w.code;
    EXPECT_DOUBLE_EQ(c->goldstein, w.goldstein) << w.code;
    EXPECT_FALSE(c->label.empty());
  }
  EXPECT_EQ(codes->Find("042")->label, "Make a visit");
  EXPECT_EQ(codes->Find("018")->label, "Make empathetic comment");
}

}  // namespace
}  // namespace dossier::entity::events
