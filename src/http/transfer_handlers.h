#pragma once

#include "app/transfer_service.h"
#include "http/request.h"
#include "http/response.h"
#include "ports/clock.h"
#include "ports/database.h"

namespace icp::http {

// What the transfer routes (备案转移, docs/transfers.md) are bound to. Borrowed.
struct TransferApi {
  TransferService& transfers;
  Database& db;  // Idempotency-Key answers
  Clock& clock;
};

// POST /v1/transfers (customers, Idempotency-Key): {"subject_number" | "certificate",
// "reason", "evidence": [{"kind", "file_name", "content_base64"}]}. 201 with the transfer,
// Location and ETag; 400 listing every problem; 404 (transfer.subject-unknown); 409 with the
// rule that refuses it (transfer.real-name, transfer.open-application, ...).
Response RequestTransfer(const Request& request, TransferApi& api);
// GET /v1/transfers?state=&cursor=&limit=: a customer's own requests, or every transfer for
// staff; oldest first.
Response ListTransfers(const Request& request, TransferApi& api);
// GET /v1/transfers/{id}: the transfer with its evidence (the requester and staff) and ETag.
Response GetTransfer(const Request& request, TransferApi& api);
// GET /v1/transfers/{id}/evidence/{index}/content: the file, as an attachment never cached.
Response GetTransferEvidence(const Request& request, TransferApi& api);
// POST /v1/transfers/{id}:withdraw {"confirm": true} (the requester), :object {"reason"} (the
// old account),
// :approve and :reject {"reason"} (admins); each with If-Match.
Response WithdrawTransfer(const Request& request, TransferApi& api);
Response ObjectToTransfer(const Request& request, TransferApi& api);
Response ApproveTransfer(const Request& request, TransferApi& api);
Response RejectTransfer(const Request& request, TransferApi& api);

}  // namespace icp::http
