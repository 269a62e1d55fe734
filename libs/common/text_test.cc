#include "libs/common/text.h"

#include "gtest/gtest.h"

namespace dossier {
namespace {

TEST(TextTest, ValidatesUtf8) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("한국어 and Zürich"));
  size_t bad = 0;
  EXPECT_FALSE(IsValidUtf8(std::string_view("ok\xff\xfe", 4), &bad));
  EXPECT_EQ(bad, 2u);
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("abc\xe2\x82"));   // truncated
}

TEST(TextTest, NormalizesForMatching) {
  EXPECT_EQ(NormalizeForMatch("  Jiang   ZEMIN \n"), "jiang zemin");
  EXPECT_EQ(NormalizeForMatch("Straße"), "strasse");
  EXPECT_EQ(NormalizeForMatch("ﬁne"), "fine");
}

TEST(TextTest, CollapsesSpacesPerLine) { EXPECT_EQ(CollapseSpaces("  a   b \n\t c  "), "a b\nc"); }

TEST(TextTest, HashIsStable) {
  EXPECT_EQ(Hex64(Fnv1a64("")), "cbf29ce484222325");
  EXPECT_EQ(Hex64(Fnv1a64("a")), "af63dc4c8601ec8c");
}

TEST(TextTest, MapsBytesToCodePoints) {
  std::string text = "Zü한x";  // Z(1) ü(2) 한(3) x(1)
  CodePointIndex index(text);
  EXPECT_EQ(index.size(), 4);
  EXPECT_EQ(index.ToCodePoint(0), 0);
  EXPECT_EQ(index.ToCodePoint(1), 1);
  EXPECT_EQ(index.ToCodePoint(3), 2);
  EXPECT_EQ(index.ToCodePoint(6), 3);
  EXPECT_EQ(index.ToCodePoint(7), 4);
  EXPECT_EQ(index.ToByte(2), 3u);
  EXPECT_EQ(index.ToByte(4), 7u);
}

}  // namespace
}  // namespace dossier
