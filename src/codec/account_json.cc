#include "codec/account_json.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "base/date.h"

namespace icp::codec {
namespace {

// Stored certificates were validated against the clock when written; on reading them back
// only their form is checked.
constexpr Date kReadBack{std::chrono::year(2200), std::chrono::January, std::chrono::day(1)};

std::unexpected<Error> Bad(std::string_view member, std::string_view why) {
  return InvalidFields(
      {{std::string(member), "account.personal", "stored personal data: " + std::string(why), ""}});
}

const boost::json::string* TextAt(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr ? v->if_string() : nullptr;
}

}  // namespace

std::string EncodeAccountPersonal(const AccountPersonal& p) {
  boost::json::object o;
  if (p.email) o["email"] = p.email->str();
  if (p.mobile) o["mobile"] = p.mobile->str();
  if (p.real_name) {
    boost::json::object r{
        {"kind", RealNameKindName(p.real_name->kind())},
        {"name", p.real_name->name()},
        {"certificate",
         boost::json::object{{"type", CertificateTypeName(p.real_name->certificate().type())},
                             {"number", p.real_name->certificate().number()}}}};
    if (p.real_name_verified_at) {
      r["verified_at"] = p.real_name_verified_at->time_since_epoch().count();
    }
    o["real_name"] = std::move(r);
  }
  return boost::json::serialize(o);
}

Result<AccountPersonal> DecodeAccountPersonal(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return Bad("", "not a JSON object");
  const boost::json::object& o = v.as_object();
  AccountPersonal out;
  if (o.contains("email")) {
    const boost::json::string* e = TextAt(o, "email");
    if (e == nullptr) return Bad("email", "not text");
    Result<Email> email = Email::Parse(*e);
    if (!email) return Bad("email", email.error().message);
    out.email = std::move(*email);
  }
  if (o.contains("mobile")) {
    const boost::json::string* m = TextAt(o, "mobile");
    if (m == nullptr) return Bad("mobile", "not text");
    Result<MobileNumber> mobile = MobileNumber::Parse(*m);
    if (!mobile) return Bad("mobile", mobile.error().message);
    out.mobile = std::move(*mobile);
  }
  if (const boost::json::value* rv = o.if_contains("real_name")) {
    const boost::json::object* r = rv->if_object();
    if (r == nullptr) return Bad("real_name", "not an object");
    const boost::json::string* kind_name = TextAt(*r, "kind");
    const boost::json::string* name = TextAt(*r, "name");
    const boost::json::value* cv = r->if_contains("certificate");
    const boost::json::object* c = cv != nullptr ? cv->if_object() : nullptr;
    const boost::json::string* type_name = c != nullptr ? TextAt(*c, "type") : nullptr;
    const boost::json::string* number = c != nullptr ? TextAt(*c, "number") : nullptr;
    const boost::json::value* at = r->if_contains("verified_at");
    if (kind_name == nullptr || name == nullptr || type_name == nullptr || number == nullptr ||
        at == nullptr || !at->is_int64()) {
      return Bad("real_name", "a member is missing or of the wrong type");
    }
    std::optional<RealNameKind> kind = RealNameKindFromName(*kind_name);
    std::optional<CertificateType> type = CertificateTypeFromName(*type_name);
    if (!kind || !type) return Bad("real_name", "unknown kind or certificate type");
    Result<Certificate> certificate = Certificate::Parse(*type, *number, kReadBack);
    if (!certificate) return Bad("real_name.certificate", certificate.error().message);
    Result<RealName> real_name = RealName::Make(*kind, *name, std::move(*certificate));
    if (!real_name) return Bad("real_name", real_name.error().message);
    out.real_name = std::move(*real_name);
    out.real_name_verified_at = std::chrono::sys_seconds(std::chrono::seconds(at->as_int64()));
  }
  return out;
}

}  // namespace icp::codec
