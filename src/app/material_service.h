#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/caller.h"
#include "base/result.h"
#include "domain/material_limits.h"
#include "ports/blob_store.h"
#include "ports/clock.h"
#include "ports/content_sniffer.h"
#include "ports/database.h"

namespace icp {

// One file a customer sends for an application.
struct MaterialUpload {
  ApplicationId application;
  std::string kind;       // a MaterialKindName: "identity_document", ...
  std::string owner;      // "subject", "subject.principal", "websites[0]", "websites[0].principal"
  std::string file_name;  // as the customer named it; kept for the download
  // The certificate number a certificate material shows (identity_document,
  // subject_certificate: required; any other kind: refused).
  std::optional<std::string> certificate_number;
  std::string_view bytes;
};

struct MaterialDownload {
  MaterialRecord record;
  std::string bytes;
};

// Whether `state` lets the customer change the application's materials: draft, or returned
// by the provider or the bureau (rule material.state otherwise).
bool MaterialsEditable(ApplicationState state);

// The documents of an application (备案材料): uploaded by the owning customer while the
// application is editable, each checked by content (its type decided from the bytes, its
// size and pixels against MaterialLimits), stored once by SHA-256 in the BlobStore, recorded
// in the store and named in the application's document in one unit of work with its audit
// entry. Only the owning account and staff ever see them: anyone else gets kNotFound.
class MaterialService {
 public:
  MaterialService(Database& db, BlobStore& blobs, ContentSniffer& sniffer,
                  const MaterialLimits& limits, Clock& clock)
      : db_(db), blobs_(blobs), sniffer_(sniffer), limits_(limits), clock_(clock) {}

  // kInvalidArgument listing every problem of the upload (rules material.kind, material.owner,
  // material.file-name, material.certificate-number, material.type naming what the bytes
  // are, material.image-header, material.too-large, material.too-small-image,
  // material.too-large-image); kNotFound unless the caller owns the application;
  // kFailedPrecondition (rule material.state) unless it is editable; kAborted when the
  // application changed meanwhile (retry).
  Result<MaterialRecord> Upload(const Caller& caller, const MaterialUpload& upload);
  // The owner's and staff's view, in upload order; kNotFound for anyone else.
  Result<std::vector<MaterialRecord>> List(const Caller& caller, ApplicationId application);
  // Removes the material from the application (the owner, while editable); its bytes stay in
  // the blob store, which other materials may share. kNotFound, kFailedPrecondition,
  // kAborted as for Upload.
  Result<void> Delete(const Caller& caller, MaterialId material);
  // The bytes, for the owner and staff; kNotFound for anyone else; kInternal (rule
  // storage.corrupt) when the stored file no longer matches its hash.
  Result<MaterialDownload> Download(const Caller& caller, MaterialId material);

 private:
  Result<ApplicationRecord> Editable(UnitOfWork& uow, const Caller& caller, ApplicationId id);

  Database& db_;
  BlobStore& blobs_;
  ContentSniffer& sniffer_;
  const MaterialLimits& limits_;
  Clock& clock_;
};

// Decides what `bytes` are and whether `limit` takes them: the sniffed type, the image's
// pixels (read from its header), the size. Problems go to `problems` at field "file".
// Shared by materials and curtain photos. kInternal only when the sniffer fails.
Result<std::optional<FileFacts>> InspectFile(ContentSniffer& sniffer, const FileLimit& limit,
                                             std::string_view bytes,
                                             std::vector<FieldViolation>& problems);

// An application the caller may read: its own, or any for staff; kNotFound otherwise.
Result<ApplicationRecord> ReadableApplication(StoreReader& store, const Caller& caller,
                                              ApplicationId id);

}  // namespace icp
