#include "bureau_sim/portal_registry.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include <charconv>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "bureau_sim/registry.h"
#include "codec/json_reader.h"
#include "http/api_support.h"
#include "http/responses.h"
#include "miit/digest.h"

namespace icp::bureau_sim {
namespace {

namespace json = boost::json;

constexpr std::string_view kNotFoundZh = "该备案信息不存在，请确认输入内容";

std::unexpected<Error> NoSuchRecord() {
  return Refusal(ErrorCode::kNotFound, "number", "recovery.not_found",
                 "no filed record matches the number, certificate and mobile given",
                 std::string(kNotFoundZh));
}

// Whether `mobile` is one of the ';'-separated `mobiles`.
bool HasMobile(const std::optional<std::string>& mobiles, std::string_view mobile) {
  if (!mobiles) return false;
  std::string_view rest = *mobiles;
  while (true) {
    const std::size_t end = rest.find(';');
    std::string_view one = rest.substr(0, end);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (!one.empty() && one == mobile) return true;
    if (end == std::string_view::npos) return false;
    rest = rest.substr(end + 1);
  }
}

std::vector<std::string> Split(const std::optional<std::string>& list) {
  std::vector<std::string> out;
  if (!list) return out;
  std::string_view rest = *list;
  while (!rest.empty()) {
    const std::size_t end = rest.find(';');
    std::string one(rest.substr(0, end));
    if (!one.empty()) out.push_back(std::move(one));
    if (end == std::string_view::npos) break;
    rest = rest.substr(end + 1);
  }
  return out;
}

Result<json::object> BodyObject(const http::Request& request) {
  Result<json::value> body = http::ParseJsonBody(request);
  if (!body) return std::unexpected(body.error());
  if (!body->is_object()) {
    return Refusal(ErrorCode::kInvalidArgument, "", "request.json",
                   "the body must be a JSON object", "请求体须为JSON对象");
  }
  return std::move(body->as_object());
}

std::optional<QueryBy> ByName(std::string_view name) {
  if (name.empty() || name == "auto") return QueryBy::kAuto;
  if (name == "domain") return QueryBy::kDomain;
  if (name == "number") return QueryBy::kNumber;
  if (name == "unit_name") return QueryBy::kUnitName;
  return std::nullopt;
}

json::object RecordJson(const PublicRecord& r) {
  return json::object{{"unitName", r.unit_name},
                      {"natureName", r.nature_name},
                      {"mainLicence", r.main_licence},
                      {"serviceLicence", r.service_licence},
                      {"serviceName", r.service_name},
                      {"domain", r.domain},
                      {"domainId", r.domain_id},
                      {"homeUrl", r.home_url},
                      {"leaderName", r.leader_name},
                      {"limitAccess", r.limit_access},
                      {"contentTypeName", r.content_type_name},
                      {"updateRecordTime", r.update_record_time},
                      {"mainId", r.main_id},
                      {"serviceId", r.service_id}};
}

json::object PageJson(const icp::bureau_sim::QueryPage& page) {
  json::array list;
  for (const PublicRecord& r : page.list) list.push_back(RecordJson(r));
  return json::object{
      {"total", page.total},        {"pageNum", page.page_num},        {"pageSize", page.page_size},
      {"lastPage", page.last_page}, {"isLastPage", page.is_last_page}, {"list", std::move(list)}};
}

// A query parameter as a number; `fallback` when absent; nullopt when not a whole number.
std::optional<std::int64_t> NumberParam(const std::map<std::string, std::string>& query,
                                        const std::string& name, std::int64_t fallback) {
  const auto it = query.find(name);
  if (it == query.end() || it->second.empty()) return fallback;
  std::int64_t value = 0;
  const std::string& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string Html(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string UrlEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

Result<void> PasswordRecovery::Recover(std::string_view number, std::int64_t certificate_type,
                                       std::string_view certificate_number, std::string_view mobile,
                                       std::int64_t now) {
  std::vector<FieldViolation> problems;
  auto text = [&](std::string_view value, const char* field, const char* zh) {
    if (value.empty() || value.size() > 255) {
      problems.push_back({field, "recovery.input", fmt::format("{} is required", field), zh});
    }
  };
  text(number, "number", "请输入备案/许可证号");
  text(certificate_number, "certificate_number", "请输入证件号码");
  text(mobile, "mobile", "请输入手机号码");
  if (certificate_type < 1 || certificate_type > 999) {
    problems.push_back({"certificate_type", "recovery.input",
                        "the certificate type is a code of 1 to 999", "请选择证件类型"});
  }
  if (!problems.empty()) return InvalidFields(std::move(problems));

  // The subject as filed: its number (a website's -N never matches), certificate and mobile.
  auto matching = [&](Registry& r) -> Result<std::optional<Subject>> {
    Result<std::optional<Subject>> subject = r.SubjectByNumber(number);
    if (!subject || !subject->has_value()) return subject;
    const Subject& s = **subject;
    if (s.cancelled || s.block.certificate.type != certificate_type ||
        s.block.certificate.number != certificate_number ||
        !HasMobile(s.block.leader.mobiles, mobile)) {
      return std::optional<Subject>();
    }
    return subject;
  };
  Result<std::optional<Subject>> found = store_.Transact(matching);
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) return NoSuchRecord();

  // A new password, hashed (slowly) outside the transaction, as the pipeline's at approval.
  const std::string password = tokens_.NewToken(6);
  Result<std::string> hash = hasher_.Hash(miit::Md5Hex(password));
  if (!hash) return std::unexpected(hash.error());
  Result<std::optional<Subject>> reset =
      store_.Transact([&](Registry& r) -> Result<std::optional<Subject>> {
        Result<std::optional<Subject>> again = matching(r);  // the registry may have moved
        if (!again || !again->has_value()) return again;
        const std::int64_t ztid = (*again)->block.bureau_id.value_or(0);
        if (Result<void> set = r.SetPasswordHash(ztid, *hash); !set) {
          return std::unexpected(set.error());
        }
        return again;
      });
  if (!reset) return std::unexpected(reset.error());
  if (!reset->has_value()) return NoSuchRecord();
  const Subject& subject = **reset;
  const std::string text_zh =
      fmt::format("【工信部ICP备案】{}（{}）的备案密码已重置，新的备案密码为：{}。请妥善保管。",
                  subject.block.name, subject.block.number.value_or(std::string(number)), password);
  if (Result<void> sent = sink_.Deliver("sms", mobile, text_zh, now); !sent) {
    return std::unexpected(sent.error());
  }
  for (const std::string& address : Split(subject.block.leader.emails)) {
    if (Result<void> sent = sink_.Deliver("email", address, text_zh, now); !sent) {
      return std::unexpected(sent.error());
    }
  }
  return {};
}

http::Response QueryApi(const http::Request& request, PublicQuery& query) {
  const std::map<std::string, std::string> params = http::QueryParameters(request);
  std::vector<FieldViolation> problems;
  const auto by_it = params.find("by");
  const std::optional<QueryBy> by = ByName(by_it == params.end() ? "" : by_it->second);
  if (!by) {
    problems.push_back({"by", "query.by", "by is auto, domain, number or unit_name",
                        "查询方式须为 auto、domain、number 或 unit_name"});
  }
  const std::optional<std::int64_t> page_num = NumberParam(params, "page_num", 1);
  const std::optional<std::int64_t> page_size = NumberParam(params, "page_size", 10);
  if (!page_num) problems.push_back({"page_num", "query.page", "a whole number", "须为整数"});
  if (!page_size) problems.push_back({"page_size", "query.page", "a whole number", "须为整数"});
  if (!problems.empty()) return http::ProblemResponse(request, InvalidFields(problems).error());
  const auto condition = params.find("condition");
  Result<icp::bureau_sim::QueryPage> page =
      query.Find(*by, condition == params.end() ? "" : condition->second, *page_num, *page_size);
  if (!page) return http::ProblemResponse(request, page.error());
  return http::JsonResponse(PageJson(*page));
}

http::Response QueryBatchApi(const http::Request& request, PublicQuery& query) {
  Result<json::object> body = BodyObject(request);
  if (!body) return http::ProblemResponse(request, body.error());
  codec::JsonReader r;
  r.OnlyKeys(*body, "", {"conditions", "by", "page_size"});
  std::vector<std::string> conditions = r.Texts(*body, "conditions", "conditions");
  if (conditions.empty() || conditions.size() > kMaxBatchConditions) {
    r.Problem("conditions", "query.batch", "give 1 to 50 conditions", "请给出1至50个查询条件");
  }
  const std::optional<std::string> by_name = r.Text(*body, "by", "by", false);
  const std::optional<QueryBy> by = ByName(by_name.value_or(""));
  if (by_name && !by) {
    r.Problem("by", "query.by", "by is auto, domain, number or unit_name",
              "查询方式须为 auto、domain、number 或 unit_name");
  }
  std::optional<std::optional<std::int64_t>> size =
      r.Int(*body, "page_size", "page_size", 1, kMaxQueryPageSize);
  if (Result<void> ok = r.Finish(); !ok) return http::ProblemResponse(request, ok.error());
  json::array results;
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    Result<icp::bureau_sim::QueryPage> page = query.Find(*by, conditions[i], 1, size->value_or(10));
    if (!page) {
      return http::ProblemResponse(request, page.error().AtField(fmt::format("conditions[{}]", i)));
    }
    json::object one = PageJson(*page);
    one["condition"] = conditions[i];
    results.push_back(std::move(one));
  }
  return http::JsonResponse(json::object{{"results", std::move(results)}});
}

http::Response QueryHtml(const http::Request& request, PublicQuery& query) {
  const std::map<std::string, std::string> params = http::QueryParameters(request);
  const auto it = params.find("condition");
  const std::string condition = it == params.end() ? "" : it->second;
  const std::int64_t page_num = NumberParam(params, "page_num", 1).value_or(1);
  std::string body = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\">"
      "<title>ICP备案查询（模拟）</title></head>\n<body>\n<h1>ICP备案信息查询（模拟）</h1>\n"
      "<p>本页面为管局模拟服务 icp-bureau 的公共查询替身，不属于企业系统接口规范（3.0版）。</p>\n"
      "<form method=\"get\" action=\"/portal/query\"><label>域名、备案号或主办单位名称"
      "<input name=\"condition\" value=\"{}\" required></label> "
      "<button type=\"submit\">查询</button></form>\n",
      Html(condition));
  if (!condition.empty()) {
    Result<icp::bureau_sim::QueryPage> page = query.Find(QueryBy::kAuto, condition, page_num, 10);
    if (!page) {
      const Error& e = page.error();
      body += "<p class=\"error\">" +
              Html(e.violations.empty() ? e.message : e.violations.front().message_zh) + "</p>\n";
    } else if (page->total == 0) {
      body += "<p>没有符合条件的备案信息</p>\n";
    } else {
      body += fmt::format("<p>共 {} 条，第 {}/{} 页</p>\n<table border=\"1\">\n", page->total,
                          page->page_num, page->last_page);
      body +=
          "<tr><th>主办单位名称</th><th>单位性质</th><th>主体备案号</th><th>网站备案号</th>"
          "<th>网站名称</th><th>域名</th><th>首页网址</th><th>前置审批项</th><th>是否限制接入</th>"
          "<th>审核通过日期</th></tr>\n";
      for (const PublicRecord& r : page->list) {
        body += fmt::format(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
            Html(r.unit_name), Html(r.nature_name), Html(r.main_licence), Html(r.service_licence),
            Html(r.service_name), Html(r.domain), Html(r.home_url), Html(r.content_type_name),
            Html(r.limit_access), Html(r.update_record_time));
      }
      body += "</table>\n";
      if (!page->is_last_page) {
        body += fmt::format(
            "<p><a href=\"/portal/query?condition={}&amp;page_num={}\">下一页</a></p>\n",
            UrlEncode(condition), page->page_num + 1);
      }
    }
  }
  body += "</body>\n</html>\n";
  return http::TextResponse(std::move(body), "text/html; charset=utf-8");
}

http::Response RecoverPasswordApi(const http::Request& request, PasswordRecovery& recovery,
                                  Clock& clock) {
  Result<json::object> body = BodyObject(request);
  if (!body) return http::ProblemResponse(request, body.error());
  codec::JsonReader r;
  r.OnlyKeys(*body, "", {"number", "certificate_type", "certificate_number", "mobile"});
  std::optional<std::string> number = r.Text(*body, "number", "number", true);
  std::optional<std::optional<std::int64_t>> type =
      r.Int(*body, "certificate_type", "certificate_type", 1, 999);
  if (type && !type->has_value()) {
    r.Problem("certificate_type", "request.required", "certificate_type is required",
              "请选择证件类型");
  }
  std::optional<std::string> certificate =
      r.Text(*body, "certificate_number", "certificate_number", true);
  std::optional<std::string> mobile = r.Text(*body, "mobile", "mobile", true);
  if (Result<void> ok = r.Finish(); !ok) return http::ProblemResponse(request, ok.error());
  if (Result<void> done = recovery.Recover(*number, **type, *certificate, *mobile,
                                           clock.Now().time_since_epoch().count());
      !done) {
    return http::ProblemResponse(request, done.error());
  }
  return http::JsonResponse(
      json::object{{"message", "A new filing password was sent to the leader's mobile and e-mail"},
                   {"message_zh", "新的备案密码已发送至主体负责人的手机和电子邮箱"}});
}

void AddRegistryPortalRoutes(http::Router& router, PublicQuery& query, PasswordRecovery& recovery,
                             Clock& clock) {
  router.Add("GET", "/portal/query", http::Access::kPublic,
             [&query](const http::Request& r) { return QueryHtml(r, query); });
  router.Add("GET", "/portal/api/query", http::Access::kPublic,
             [&query](const http::Request& r) { return QueryApi(r, query); });
  router.Add("POST", "/portal/api/query/batch", http::Access::kPublic,
             [&query](const http::Request& r) { return QueryBatchApi(r, query); });
  router.Add("POST", "/portal/api/password/recover", http::Access::kPublic,
             [&recovery, &clock](const http::Request& r) {
               return RecoverPasswordApi(r, recovery, clock);
             });
}

}  // namespace icp::bureau_sim
