#include "app/material_service.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "app/test_support.h"
#include "ports/testing/fake_clock.h"
#include "storage/memory/blob_store.h"
#include "storage/memory/database.h"
#include "storage/testing/fixtures.h"

namespace icp {
namespace {

using app_testing::Jpeg;
using app_testing::Pdf;
using app_testing::Png;
using storage_testing::kT0;

std::vector<std::string> Rules(const Error& e) {
  std::vector<std::string> out;
  for (const FieldViolation& v : e.violations) out.push_back(v.rule);
  return out;
}

class MaterialServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    owner_ = {storage_testing::CreateAccount(*db_, "owner"), Role::kCustomer};
    other_ = {storage_testing::CreateAccount(*db_, "other"), Role::kCustomer};
    reviewer_ = {storage_testing::CreateAccount(*db_, "reviewer"), Role::kReviewer};
    app_ = Insert(storage_testing::NewRecord(owner_.account,
                                             storage_testing::SampleApplication(1, "one.cn")));
  }

  ApplicationId Insert(const ApplicationRecord& record) {
    auto uow = std::move(*db_->Begin());
    ApplicationId id = uow->applications().Insert(record).value();
    EXPECT_TRUE(uow->Commit().has_value());
    return id;
  }

  ApplicationRecord Read(ApplicationId id) {
    return (*db_->Begin())->applications().Get(id).value();
  }

  MaterialUpload Upload(std::string_view bytes, std::string kind = "identity_document",
                        std::string owner = "subject.principal") {
    std::optional<std::string> number;
    if (kind == "identity_document" || kind == "subject_certificate") {
      number = storage_testing::ResidentIdNumber(1);
    }
    return {app_, std::move(kind), std::move(owner), "scan.png", number, bytes};
  }

  std::vector<AuditEntry> Audit() {
    std::vector<AuditEntry> out;
    auto uow = std::move(*db_->Begin());
    const std::vector<StoredAuditEntry> stored = uow->audit().Read(0, 100).value();
    for (const StoredAuditEntry& e : stored) out.push_back(e.entry);
    return out;
  }

  std::unique_ptr<memory::Database> db_ = memory::Database::Create();
  memory::BlobStore blobs_;
  app_testing::FakeSniffer sniffer_;
  MaterialLimits limits_ = app_testing::TestLimits();
  FakeClock clock_{kT0};
  MaterialService service_{*db_, blobs_, sniffer_, limits_, clock_};
  Caller owner_, other_, reviewer_;
  ApplicationId app_;
};

TEST_F(MaterialServiceTest, StoresAnUploadAndNamesItInTheApplication) {
  const std::string png = Png(640, 480);
  Result<MaterialRecord> m = service_.Upload(owner_, Upload(png));
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->content_type, "image/png");
  EXPECT_EQ(m->size, static_cast<std::int64_t>(png.size()));
  EXPECT_EQ(m->certificate_number, storage_testing::ResidentIdNumber(1));
  EXPECT_EQ(blobs_.Get(m->sha256).value(), png);
  const ApplicationRecord record = Read(app_);
  EXPECT_EQ(record.revision, 2);
  EXPECT_TRUE(record.application.HasMaterial(MaterialKind::kIdentityDocument, "subject.principal"));
  EXPECT_EQ(record.application.materials.back().file, m->sha256);
  EXPECT_EQ(service_.List(owner_, app_).value(), std::vector<MaterialRecord>{*m});
  const std::vector<AuditEntry> audit = Audit();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "material.upload");
  EXPECT_EQ(audit[0].details.find(storage_testing::ResidentIdNumber(1)), std::string::npos)
      << "the certificate number is personal data and stays out of the audit log";
}

TEST_F(MaterialServiceTest, AcceptsJpegAndPdf) {
  ASSERT_TRUE(service_.Upload(owner_, Upload(Jpeg(800, 600))).has_value());
  Result<MaterialRecord> pdf =
      service_.Upload(owner_, Upload(Pdf(), "verification_form", "websites[0]"));
  ASSERT_TRUE(pdf.has_value()) << pdf.error().message;
  EXPECT_EQ(pdf->content_type, "application/pdf");
}

TEST_F(MaterialServiceTest, RefusesAnExecutableWhateverItIsCalled) {
  std::ifstream in("/bin/true", std::ios::binary);
  const std::string elf{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ASSERT_GT(elf.size(), 4u);
  Result<MaterialRecord> m = service_.Upload(owner_, Upload(elf));
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Rules(m.error()), std::vector<std::string>{"material.type"});
  EXPECT_NE(m.error().violations[0].message.find("application/x-"), std::string::npos)
      << "the refusal names what the bytes are";
  EXPECT_TRUE(service_.List(owner_, app_)->empty());
  EXPECT_EQ(Read(app_).revision, 1);
}

TEST_F(MaterialServiceTest, RefusesAFileOverTheSizeLimit) {
  Result<MaterialRecord> m = service_.Upload(owner_, Upload(Png(640, 480, 5000)));
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(Rules(m.error()), std::vector<std::string>{"material.too-large"});
}

TEST_F(MaterialServiceTest, RefusesImagesOutsideThePixelLimits) {
  EXPECT_EQ(Rules(service_.Upload(owner_, Upload(Png(200, 480))).error()),
            std::vector<std::string>{"material.too-small-image"});
  EXPECT_EQ(Rules(service_.Upload(owner_, Upload(Jpeg(9000, 480))).error()),
            std::vector<std::string>{"material.too-large-image"});
}

TEST_F(MaterialServiceTest, RefusesATypeTheKindDoesNotTake) {
  EXPECT_EQ(Rules(service_.Upload(owner_, Upload(Pdf(), "handheld_id_photo")).error()),
            std::vector<std::string>{"material.type"});
}

TEST_F(MaterialServiceTest, ListsEveryProblemAtOnce) {
  const std::string png = Png(10, 10);
  MaterialUpload u = Upload(png, "passport_scan", "websites[3]");
  u.file_name = "../etc/passwd";
  Result<MaterialRecord> m = service_.Upload(owner_, u);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(Rules(m.error()),
            (std::vector<std::string>{"material.kind", "material.file-name", "material.owner"}));
}

TEST_F(MaterialServiceTest, ACertificateMaterialRecordsItsNumberAndOnlyThose) {
  const std::string png = Png(640, 480);
  MaterialUpload missing = Upload(png, "subject_certificate", "subject");
  missing.certificate_number = std::nullopt;
  EXPECT_EQ(Rules(service_.Upload(owner_, missing).error()),
            std::vector<std::string>{"material.certificate-number"});
  MaterialUpload extra = Upload(png, "domain_certificate", "websites[0]");
  extra.certificate_number = "91350100M000100Y43";
  EXPECT_EQ(Rules(service_.Upload(owner_, extra).error()),
            std::vector<std::string>{"material.certificate-number"});
}

TEST_F(MaterialServiceTest, OwnerPathsNameWhatTheApplicationHas) {
  for (std::string owner :
       {"subject", "subject.principal", "websites[0]", "websites[0].principal"}) {
    EXPECT_TRUE(
        service_.Upload(owner_, Upload(Png(640, 480), "domain_certificate", owner)).has_value())
        << owner;
  }
  for (std::string owner : {"websites[1]", "websites[01]", "websites[-1]", "websites[0].name",
                            "subject.x", "", "websites[]"}) {
    EXPECT_EQ(
        Rules(service_.Upload(owner_, Upload(Png(640, 480), "domain_certificate", owner)).error()),
        std::vector<std::string>{"material.owner"})
        << owner;
  }
}

TEST_F(MaterialServiceTest, AnotherAccountSeesNothing) {
  const MaterialRecord m = service_.Upload(owner_, Upload(Png(640, 480))).value();
  EXPECT_EQ(service_.Upload(other_, Upload(Png(640, 480))).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.List(other_, app_).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.Download(other_, m.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.Delete(other_, m.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.List(owner_, app_)->size(), 1u);
}

TEST_F(MaterialServiceTest, StaffReadButDoNotUpload) {
  const MaterialRecord m = service_.Upload(owner_, Upload(Png(640, 480))).value();
  EXPECT_EQ(service_.List(reviewer_, app_)->size(), 1u);
  EXPECT_EQ(service_.Download(reviewer_, m.id)->bytes, Png(640, 480));
  EXPECT_EQ(service_.Upload(reviewer_, Upload(Png(640, 480))).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_.Delete(reviewer_, m.id).error().code, ErrorCode::kNotFound);
}

TEST_F(MaterialServiceTest, MaterialsChangeOnlyWhileEditable) {
  const MaterialRecord m = service_.Upload(owner_, Upload(Png(640, 480))).value();
  {
    auto uow = std::move(*db_->Begin());
    ApplicationRecord record = uow->applications().Get(app_).value();
    storage_testing::Move(record, ApplicationEvent::kSubmit, kT0);
    ASSERT_TRUE(uow->applications().Update(record).has_value());
    ASSERT_TRUE(uow->Commit().has_value());
  }
  Result<MaterialRecord> late = service_.Upload(owner_, Upload(Png(640, 480)));
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(late.error().rule(), "material.state");
  EXPECT_EQ(service_.Delete(owner_, m.id).error().rule(), "material.state");
  EXPECT_TRUE(service_.Download(owner_, m.id).has_value()) << "reading goes on";
}

TEST_F(MaterialServiceTest, DeleteTakesTheMaterialOutOfTheApplication) {
  const MaterialRecord m = service_.Upload(owner_, Upload(Png(640, 480))).value();
  ASSERT_TRUE(service_.Delete(owner_, m.id).has_value());
  EXPECT_TRUE(service_.List(owner_, app_)->empty());
  EXPECT_TRUE(Read(app_).application.materials.empty());
  EXPECT_EQ(service_.Download(owner_, m.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Audit().back().action, "material.delete");
}

TEST_F(MaterialServiceTest, ATamperedFileIsNotServed) {
  const MaterialRecord m = service_.Upload(owner_, Upload(Png(640, 480))).value();
  blobs_.Tamper(m.sha256, Png(640, 481));
  Result<MaterialDownload> d = service_.Download(owner_, m.id);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().rule(), "storage.corrupt");
}

TEST_F(MaterialServiceTest, AnUnknownMaterialOrApplicationIsNotFound) {
  EXPECT_EQ(service_.Download(owner_, MaterialId(999)).error().code, ErrorCode::kNotFound);
  const std::string png = Png(640, 480);
  MaterialUpload u = Upload(png);
  u.application = ApplicationId(999);
  EXPECT_EQ(service_.Upload(owner_, u).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace icp
