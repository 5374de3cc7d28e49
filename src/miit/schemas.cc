#include "miit/schemas.h"

#include <string_view>

#include "base/check.h"

namespace icp::embedded {
std::string_view miit_upload_xsd();    // schemas/upload.xsd, by icp_embed_file()
std::string_view miit_download_xsd();  // schemas/download.xsd
}  // namespace icp::embedded

namespace icp::miit {
namespace {

std::shared_ptr<const XmlSchema> CompileOurs(std::string_view xsd, std::string_view name) {
  Result<std::shared_ptr<const XmlSchema>> schema = XmlSchema::Compile(xsd, name);
  // Our own schemas are compiled in; one that does not compile is a bug (schemas_test).
  ICP_CHECK(schema.has_value()) << schema.error().message;
  return *schema;
}

}  // namespace

const XmlSchema& UploadSchema() {
  static const std::shared_ptr<const XmlSchema> schema =
      CompileOurs(embedded::miit_upload_xsd(), "upload.xsd");
  return *schema;
}

const XmlSchema& DownloadSchema() {
  static const std::shared_ptr<const XmlSchema> schema =
      CompileOurs(embedded::miit_download_xsd(), "download.xsd");
  return *schema;
}

}  // namespace icp::miit
