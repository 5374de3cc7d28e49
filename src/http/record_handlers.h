#pragma once

#include "app/record_service.h"
#include "http/request.h"
#include "http/response.h"
#include "ports/clock.h"

namespace icp::http {

// What the filed-records routes are bound to (app/record_service.h). Borrowed.
struct RecordApi {
  RecordService& records;
  Clock& clock;  // today, which bounds birth dates in certificate numbers
};

// POST /v1/admin/records:import (admin), JSON {"subjects": [...]} (codec/record_import.h):
// 200 {"created": n, "unchanged": m, "subjects": [{"id", "number", "outcome", "websites"}]};
// 400 naming every bad field, 409 naming every record that clashes with one on record;
// nothing stored unless everything is.
Response ImportRecords(const Request& request, RecordApi& api);
// GET /v1/subjects: the caller's subjects on record with their numbers and websites.
Response ListSubjects(const Request& request, RecordApi& api);
// GET /v1/subjects/{id}: one subject with its documents (404 for another account's).
Response GetSubject(const Request& request, RecordApi& api);

}  // namespace icp::http
