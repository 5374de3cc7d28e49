#include "http/response.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace icp::http {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

void Response::Set(std::string name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return SameName(h.first, name); });
  headers.emplace_back(std::move(name), std::move(value));
}

std::string Response::Get(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (SameName(n, name)) return v;
  }
  return {};
}

bool Response::Has(std::string_view name) const {
  return std::ranges::any_of(headers, [&](const auto& h) { return SameName(h.first, name); });
}

}  // namespace icp::http
