#include "src/common/status.h"

#include <gtest/gtest.h>

#include "src/common/result.h"

namespace jv {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  JV_ASSIGN_OR_RETURN(int h, Half(x));
  JV_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  JV_RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = DataLossError("row 3");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.ToString(), "data_loss: row 3");
  EXPECT_EQ(s.WithContext("file a.csv").message(), "file a.csv: row 3");
}

TEST(StatusTest, MacrosPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(3).ok());
}

TEST(StatusDeathTest, ValueOnErrorAborts) {
  EXPECT_DEATH({ (void)Half(3).value(); }, "odd");
}

}  // namespace
}  // namespace jv
