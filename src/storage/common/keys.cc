#include "storage/common/keys.h"

#include <algorithm>

namespace icp::keys {

std::string CertificateKey(const Certificate& certificate) {
  return std::string(CertificateTypeName(certificate.type())) + ":" + certificate.number();
}

std::vector<std::pair<const DomainName*, std::string>> DomainsOf(const Application& a) {
  std::vector<std::pair<const DomainName*, std::string>> out;
  for (std::size_t i = 0; i < a.websites.size(); ++i) {
    for (std::size_t j = 0; j < a.websites[i].domains.size(); ++j) {
      const DomainName& d = a.websites[i].domains[j];
      if (std::ranges::any_of(out, [&](const auto& p) { return *p.first == d; })) continue;
      out.emplace_back(&d,
                       "websites[" + std::to_string(i) + "].domains[" + std::to_string(j) + "]");
    }
  }
  return out;
}

}  // namespace icp::keys
