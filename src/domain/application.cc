#include "domain/application.h"

namespace icp {

bool Application::HasMaterial(MaterialKind kind, std::string_view owner) const {
  for (const Material& m : materials) {
    if (m.kind == kind && (owner.empty() || m.owner == owner)) return true;
  }
  return false;
}

}  // namespace icp
