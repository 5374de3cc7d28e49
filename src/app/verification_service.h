#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/caller.h"
#include "base/result.h"
#include "domain/application.h"
#include "domain/material_limits.h"
#include "ports/blob_store.h"
#include "ports/clock.h"
#include "ports/content_sniffer.h"
#include "ports/database.h"

namespace icp {

// Every reason `app` may not use Shanghai's bureau App (shbeian) for identity verification
// (seed 002, FACTS.md §4.3): only Shanghai filings; a personal filer whose certificate is a
// resident identity card (身份证); a unit whose websites all have one website leader, with a
// resident identity card. Rules: verification.app-province, verification.app-certificate,
// verification.app-one-leader.
std::vector<FieldViolation> AppCodeRefusals(const Application& app);

// What a customer sends to verify the website leader's identity.
struct VerificationSubmission {
  ApplicationId application;
  VerificationMethod method = VerificationMethod::kCurtainPhoto;
  std::string_view photo;  // kCurtainPhoto: the image's bytes
  std::string evidence;    // kVideo: the session's reference; kAppCode: the App's code
};

// Identity verification after the provider's first review (FACTS.md §4.3): the customer
// sends a curtain photo, a video session reference or Shanghai's App code while the
// application waits in kVerification; a reviewer passes it or fails it with a reason. The
// review use case asks IsComplete before moving the application on (VerificationDone).
class VerificationService {
 public:
  VerificationService(Database& db, BlobStore& blobs, ContentSniffer& sniffer,
                      const MaterialLimits& limits, Clock& clock)
      : db_(db), blobs_(blobs), sniffer_(sniffer), limits_(limits), clock_(clock) {}

  // kNotFound unless the caller owns the application; kFailedPrecondition (rule
  // verification.state) unless it is in kVerification, or (rules of AppCodeRefusals) when
  // the App is not open to it; kInvalidArgument for a bad photo (the rules of materials,
  // against the "curtain_photo" limits) or evidence (rule verification.evidence).
  Result<VerificationRecord> Submit(const Caller& caller, const VerificationSubmission& s);
  // The owner's and staff's view; kNotFound for anyone else.
  Result<std::vector<VerificationRecord>> List(const Caller& caller, ApplicationId application);
  // Staff only (kPermissionDenied otherwise). A failure needs a reason (kInvalidArgument,
  // rule verification.reason). kAborted (rule verification.reviewed) if reviewed already;
  // kNotFound if there is no such verification.
  Result<VerificationRecord> Review(const Caller& caller, VerificationId id, bool passed,
                                    std::string_view reason);
  // Whether a verification of the application has passed.
  Result<bool> IsComplete(ApplicationId application);

 private:
  Database& db_;
  BlobStore& blobs_;
  ContentSniffer& sniffer_;
  const MaterialLimits& limits_;
  Clock& clock_;
};

}  // namespace icp
