#include "exe/worker_identity.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace icp {
namespace {

TEST(WorkerIdentity, NamesTheProgramHostProcessAndARandomPart) {
  EXPECT_EQ(WorkerIdentity("icpd", "node-1", 4242, 0xbeef), "icpd-node-1-4242-0000beef");
}

TEST(WorkerIdentity, TwoDispatchersInOneProcessGetTwoIdentities) {
  const std::string a = NewWorkerIdentity("icpd");
  const std::string b = NewWorkerIdentity("icpd");
  EXPECT_NE(a, b);
  EXPECT_NE(a.find("-" + std::to_string(getpid()) + "-"), std::string::npos) << a;
  EXPECT_EQ(a.rfind("icpd-", 0), 0u) << a;
}

TEST(WorkerIdentity, TheOperatorIsNamed) {
  EXPECT_EQ(OperatorName().rfind("operator:", 0), 0u);
  EXPECT_NE(OperatorName().find('@'), std::string::npos);
}

}  // namespace
}  // namespace icp
