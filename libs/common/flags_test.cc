#include "libs/common/flags.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

ABSL_FLAG(int, test_port_number, 7, "for the test");

namespace dossier {
namespace {

TEST(FlagsTest, EnvNameIsPrefixedUpperCase) { EXPECT_EQ(FlagEnvName("entity_addr"), "DOSSIER_ENTITY_ADDR"); }

TEST(FlagsTest, EnvironmentSetsFlagAndCommandLineWins) {
  setenv("DOSSIER_TEST_PORT_NUMBER", "42", 1);
  char arg0[] = "prog";
  char* argv1[] = {arg0};
  ParseFlagsWithEnv(1, argv1, "test");
  EXPECT_EQ(absl::GetFlag(FLAGS_test_port_number), 42);

  char arg1[] = "--test_port_number=9";
  char* argv2[] = {arg0, arg1};
  ParseFlagsWithEnv(2, argv2, "test");
  EXPECT_EQ(absl::GetFlag(FLAGS_test_port_number), 9);
  unsetenv("DOSSIER_TEST_PORT_NUMBER");
}

}  // namespace
}  // namespace dossier
