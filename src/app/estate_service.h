#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ports/bureau_estate.h"

namespace icp {

// Adoption (docs/bureau-protocol.md "Adoption"): the provider's filed estate, as the bureau
// sends it (BASJ, SJTB), written on record so that its customers find their subjects,
// websites and numbers on day one. Idempotent: a subject or website already on record (by the
// bureau's Ztid, by its number, or a subject by its certificate) is left as it is, and only
// ids the record lacks are learned, so adopting the same estate again changes nothing.
//
// Whose a subject is: the customer account whose verified real name (实名认证) has the
// subject's certificate (seed 000: the subject is the account's real name); else the estate
// account when one is set (a customer account the provider keeps for records no customer has
// claimed yet; a customer claims one through the transfer desk, docs/transfers.md); else the
// record is skipped (rule "bureau.estate.no-account") and comes in a later resync.
class EstateService final : public BureauEstateRecorder {
 public:
  // `estate_account`: the login of the estate account, or "" for none.
  explicit EstateService(std::string estate_account = "")
      : estate_account_(std::move(estate_account)) {}

  // Each record on its own, every check read before anything is written (a refused write
  // would end the unit of work): a record whose domain another website holds here, whose
  // numbers are issued to other records, or whose subject is on record under another number
  // is skipped with its reason (rules "bureau.estate.domain-taken", ".number-taken",
  // ".other-number"); an estate account that is not a customer's is kFailedPrecondition
  // (rule "bureau.estate.account"). Each subject and website written gets an audit entry
  // ("record.adopt", actor "system:bureau", details the number).
  Result<AdoptionReport> Adopt(UnitOfWork& uow, std::int64_t isp_id,
                               const std::vector<EstateRecord>& records,
                               std::chrono::sys_seconds now) override;

 private:
  std::string estate_account_;
};

}  // namespace icp
