#include "bureau_sim/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "storage/sql/connection.h"
#include "storage/sqlite/connection.h"

namespace icp::bureau_sim {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("bureau_sim_store_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Result<std::unique_ptr<Store>> store = Store::Open(dir_ / "bureau.db", 100);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
    ASSERT_TRUE(store_->AddProvider(440000000123, "isp", "secret01", 100).has_value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static StoredUpload Upload(std::int64_t sequence) {
    return {sequence,
            "file" + std::to_string(sequence),
            {"aW5mbw==", "aGFzaA==", 0, 0, 0},
            "<UploadData/>"};
  }
  static QueuedFile File(std::string name) { return {std::move(name), {"YQ==", "Yg==", 0, 0, 0}}; }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, ProviderAccountsAreKeptAndUnique) {
  Result<std::optional<Provider>> found = store_->FindProvider(440000000123);
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, (Provider{440000000123, "isp", "secret01", 0, "", "", std::nullopt, false}));
  EXPECT_FALSE(store_->FindProvider(7)->has_value());

  Result<void> again = store_->AddProvider(440000000123, "other", "x", 101);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().rule(), "providers.isp_id");
  Result<void> bad = store_->AddProvider(0, "isp", "x", 101);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().rule(), "bureau.provider");
  EXPECT_FALSE(store_->AddProvider(5, "isp", "", 101).has_value());
}

TEST_F(StoreTest, AcceptStoresTheUploadOnceAndStepsTheSequence) {
  const QueuedFile files[] = {File("BAJG1")};
  ASSERT_TRUE(store_->Accept(440000000123, Upload(1), files, 200).has_value());
  EXPECT_EQ((*store_->FindProvider(440000000123))->last_sequence, 1);
  EXPECT_EQ(**store_->FindUpload(440000000123, 1), Upload(1));

  // The same number again, or one beyond the next, changes nothing.
  Result<void> repeated = store_->Accept(440000000123, Upload(1), {}, 201);
  ASSERT_FALSE(repeated.has_value());
  EXPECT_EQ(repeated.error().rule(), "bureau.sequence.moved");
  Result<void> skipped = store_->Accept(440000000123, Upload(3), {}, 201);
  ASSERT_FALSE(skipped.has_value());
  EXPECT_EQ(skipped.error().rule(), "bureau.sequence.moved");
  EXPECT_EQ(*store_->UploadCount(440000000123), 1);
  EXPECT_EQ((*store_->FindProvider(440000000123))->last_sequence, 1);
  EXPECT_EQ(store_->Waiting(440000000123, 10)->size(), 1U);

  // A download that cannot be queued (a name used already) takes the upload back with it.
  const QueuedFile same_name[] = {File("BAJG1")};
  ASSERT_FALSE(store_->Accept(440000000123, Upload(2), same_name, 202).has_value());
  EXPECT_EQ((*store_->FindProvider(440000000123))->last_sequence, 1);
  EXPECT_FALSE(store_->FindUpload(440000000123, 2)->has_value());
}

TEST_F(StoreTest, DownloadsWaitInOrderUntilAcknowledged) {
  const QueuedFile files[] = {File("BAJG1"), File("BAJG2")};
  ASSERT_TRUE(store_->Accept(440000000123, Upload(1), files, 200).has_value());
  EXPECT_EQ(*store_->Waiting(440000000123, 10), (std::vector<QueuedFile>{files[0], files[1]}));
  EXPECT_EQ(*store_->Waiting(440000000123, 1), (std::vector<QueuedFile>{files[0]}));
  EXPECT_TRUE(store_->Waiting(7, 10)->empty());

  EXPECT_EQ(*store_->Acknowledge(440000000123, "BAJG1", 300), AckOutcome::kAcknowledged);
  EXPECT_EQ(*store_->Acknowledge(440000000123, "BAJG1", 301), AckOutcome::kAlreadyAcknowledged);
  EXPECT_EQ(*store_->Acknowledge(440000000123, "nope", 301), AckOutcome::kUnknown);
  EXPECT_EQ(*store_->Acknowledge(7, "BAJG2", 301), AckOutcome::kUnknown);
  EXPECT_EQ(*store_->Waiting(440000000123, 10), (std::vector<QueuedFile>{files[1]}));
}

// The schema holds the invariants against any writer, not only against Store's methods.
TEST_F(StoreTest, TheSchemaRefusesWhatTheStoreNeverDoes) {
  const QueuedFile files[] = {File("BAJG1")};
  ASSERT_TRUE(store_->Accept(440000000123, Upload(1), files, 200).has_value());
  ASSERT_EQ(*store_->Acknowledge(440000000123, "BAJG1", 300), AckOutcome::kAcknowledged);
  store_.reset();

  Result<std::unique_ptr<sqlite::Connection>> raw = sqlite::Connection::Open(dir_ / "bureau.db");
  ASSERT_TRUE(raw.has_value());
  sql::Connection& db = **raw;
  auto refused = [&](std::string_view statement) {
    Result<sql::Rows> r = db.Query(statement);
    return r.has_value() ? std::string("accepted") : std::string(sql::ConstraintOf(r.error()));
  };
  EXPECT_EQ(refused("UPDATE downloads SET acknowledged = 0, acknowledged_at = NULL"),
            "bureau.download.ack_final");
  EXPECT_EQ(refused("INSERT INTO uploads (isp_id, data_sequence, file_name, beian_info, "
                    "beian_info_hash, encrypt_algorithm, xml, received_at) "
                    "VALUES (440000000123, 1, 'again', '', '', 0, '', 1)"),
            "uploads.isp_id, uploads.data_sequence");
  EXPECT_EQ(refused("UPDATE uploads SET xml = 'changed'"), "bureau.upload.immutable");
  EXPECT_EQ(refused("DELETE FROM uploads"), "bureau.upload.immutable");
  EXPECT_EQ(refused("UPDATE providers SET last_sequence = 5"), "bureau.sequence.step");
  EXPECT_EQ(refused("UPDATE providers SET last_sequence = 0"), "bureau.sequence.step");
  EXPECT_EQ(refused("INSERT INTO downloads (isp_id, file_name, beian_info, beian_info_hash, "
                    "acknowledged, created_at) VALUES (440000000123, 'x', '', '', 1, 1)"),
            "downloads_ack_has_time");
}

}  // namespace
}  // namespace icp::bureau_sim
