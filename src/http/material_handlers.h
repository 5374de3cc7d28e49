#pragma once

#include "app/authorization_code_service.h"
#include "app/material_service.h"
#include "app/resource_service.h"
#include "app/verification_service.h"
#include "http/request.h"
#include "http/response.h"

namespace icp::http {

// The use cases behind the materials, verification, resources and authorization-code routes
// (docs/materials.md). Borrowed; they outlive the router.
struct MaterialApi {
  MaterialService& materials;
  VerificationService& verifications;
  ResourceService& resources;
  AuthorizationCodeService& codes;
};

// POST /v1/applications/{id}/materials?kind=&owner=&file_name=[&certificate_number=]
// The file's bytes are the body, as sent (any Content-Type: the type is decided from the
// content). 201 with the material and Location; 400 listing every problem (material.*),
// 404 for another's application, 409 (material.state) when it cannot change now.
Response UploadMaterial(const Request& request, MaterialApi& api);
// GET /v1/applications/{id}/materials: {"materials": [...]}, upload order.
Response ListMaterials(const Request& request, MaterialApi& api);
// GET /v1/materials/{id}/content: the bytes, as an attachment that is never cached.
Response GetMaterialContent(const Request& request, MaterialApi& api);
// DELETE /v1/materials/{id}: 204.
Response DeleteMaterial(const Request& request, MaterialApi& api);

// POST /v1/applications/{id}/verifications: a curtain photo as the body (an image, with
// ?method=curtain_photo), or JSON {"method": "video" | "app_code", "evidence": "..."}. 201.
Response SubmitVerification(const Request& request, MaterialApi& api);
// GET /v1/applications/{id}/verifications: {"verifications": [...], "complete": bool}.
Response ListVerifications(const Request& request, MaterialApi& api);
// POST /v1/verifications/{id}:review, JSON {"passed": bool, "reason": "..."} (staff).
Response ReviewVerification(const Request& request, MaterialApi& api);

// POST /v1/admin/resources:import, a text/csv or application/json body (admin):
// {"imported": n}; 400 naming every bad row and field, nothing stored.
Response ImportResources(const Request& request, MaterialApi& api);
// GET /v1/resources: the caller's resources with eligibility and reasons.
Response ListResources(const Request& request, MaterialApi& api);

// POST /v1/authorization-codes {"server_id": "..."}: 201 with the code.
Response CreateAuthorizationCode(const Request& request, MaterialApi& api);
// GET /v1/authorization-codes: {"authorization_codes": [...]}.
Response ListAuthorizationCodes(const Request& request, MaterialApi& api);
// POST /v1/authorization-codes/{code}:revoke and :redeem: 200 with the code.
Response RevokeAuthorizationCode(const Request& request, MaterialApi& api);
Response RedeemAuthorizationCode(const Request& request, MaterialApi& api);

}  // namespace icp::http
