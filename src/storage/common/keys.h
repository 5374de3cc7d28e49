#pragma once

#include <string>
#include <utility>
#include <vector>

#include "domain/application.h"

namespace icp::keys {

// What every store indexes an application, a subject or a website by, computed one way.

// The certificate as compared for "one subject per certificate": "resident_id:440308…".
// SQL stores index its keyed hash (PiiVault::Hash), the memory store the text itself.
std::string CertificateKey(const Certificate& certificate);

// Every domain of the application once, with the field path where it first appears
// ("websites[1].domains[0]"), which a conflict names.
std::vector<std::pair<const DomainName*, std::string>> DomainsOf(const Application& application);

}  // namespace icp::keys
