#include "cli/transfer_command.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "base/base64.h"
#include "cli/api_call.h"
#include "cli/auth_command.h"
#include "cli/db_command.h"

namespace icp::cli {
namespace {

namespace json = boost::json;

// "3  pending  待处理  subject 粤ICP备2026000001号  from 4 to 7  objection until ..."
void PrintTransfer(const json::object& t, std::ostream& out) {
  out << TextOf(t, "id") << "\t" << TextOf(t, "state") << "\t" << TextOf(t, "state_label")
      << "\tsubject " << TextOf(t, "subject_number") << "\tfrom account "
      << TextOf(t, "from_account") << " to " << TextOf(t, "to_account") << "\tobjection until "
      << TextOf(t, "objection_until") << "\n";
}

std::optional<std::string> ReadFile(const std::string& path, std::ostream& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << "icpctl: cannot read " << path << "\n";
    return std::nullopt;
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool IsDigits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

std::unique_ptr<TransferCommands> TransferCommands::Register(CLI::App& app) {
  std::unique_ptr<TransferCommands> c(new TransferCommands);
  c->group_ = app.add_subcommand("transfers", "Transfers of a subject between accounts (备案转移)");
  c->group_->require_subcommand(1);
  c->request_ = c->group_->add_subcommand("request", "Ask for a subject under another account");
  c->request_->add_option("--subject-number", c->subject_number_, "主体备案号");
  c->request_->add_option("--certificate-type", c->certificate_type_,
                          "The subject's certificate type (instead of the number)");
  c->request_->add_option("--certificate-number", c->certificate_number_,
                          "The subject's certificate number");
  c->request_->add_option("--reason", c->reason_, "Why")->required();
  c->request_->add_option("--letter", c->letter_, "备案转移申请函 with the seal (PDF or image)")
      ->required();
  c->request_->add_option("--id-document", c->id_document_, "经办人身份证件 (image or PDF)")
      ->required();
  c->request_->add_option("--certificate", c->certificate_, "主体证件 (optional)");
  c->list_ = c->group_->add_subcommand("list", "Transfers, oldest first");
  c->list_->add_option("--state", c->state_, "pending, approved, rejected, withdrawn, objected");
  c->show_ = c->group_->add_subcommand("show", "One transfer with its evidence");
  c->approve_ = c->group_->add_subcommand("approve", "Approve: the subject moves (admins)");
  c->reject_ = c->group_->add_subcommand("reject", "Reject (admins)");
  c->object_ = c->group_->add_subcommand("object", "Object, as the old account");
  c->withdraw_ = c->group_->add_subcommand("withdraw", "Withdraw your request");
  for (CLI::App* cmd : {c->show_, c->approve_, c->reject_, c->object_, c->withdraw_}) {
    cmd->add_option("id", c->id_, "Transfer id")->required();
  }
  for (CLI::App* cmd : {c->approve_, c->reject_, c->object_}) {
    cmd->add_option("--reason", c->reason_, "Why")->required();
  }
  return c;
}

bool TransferCommands::parsed() const { return group_->parsed(); }

int TransferCommands::Run(HttpClient& http, const std::filesystem::path& token_file,
                          std::ostream& out, std::ostream& err) {
  Result<StoredToken> token = ReadTokenFile(token_file);
  if (!token) {
    PrintError(token.error(), err);
    return 1;
  }
  auto send = [&](std::string method, const std::string& path, std::string body = {},
                  std::map<std::string, std::string> headers = {}) -> std::optional<json::value> {
    std::optional<json::value> v =
        CallJson(http, *token, std::move(method), path, err, std::move(body), headers);
    if (v && !v->is_object()) {
      err << "icpctl: icpd answered with a body that is not a JSON object\n";
      return std::nullopt;
    }
    return v;
  };
  if (!id_.empty() && !IsDigits(id_)) {
    err << "icpctl: a transfer id is a number\n";
    return 2;
  }
  const std::string path = "/v1/transfers/" + id_;
  // An act on the transfer as last read: its ETag goes back as If-Match.
  auto act = [&](const std::string& verb, json::object body) -> std::optional<json::value> {
    std::optional<json::value> now = send("GET", path);
    if (!now) return std::nullopt;
    return send("POST", path + ":" + verb, json::serialize(body),
                {{"If-Match", TextOf(now->as_object(), "_etag")}});
  };

  std::optional<json::value> result;
  if (request_->parsed()) {
    json::object body{{"reason", reason_}};
    if (!subject_number_.empty()) body["subject_number"] = subject_number_;
    if (!certificate_type_.empty() || !certificate_number_.empty()) {
      body["certificate"] =
          json::object{{"type", certificate_type_}, {"number", certificate_number_}};
    }
    json::array evidence;
    for (const auto& [kind, file] :
         {std::pair<std::string, std::string>{"transfer_letter", letter_},
          {"identity_document", id_document_},
          {"subject_certificate", certificate_}}) {
      if (file.empty()) continue;
      std::optional<std::string> bytes = ReadFile(file, err);
      if (!bytes) return 1;
      evidence.push_back(
          json::object{{"kind", kind},
                       {"file_name", std::filesystem::path(file).filename().string()},
                       {"content_base64", Base64Encode(*bytes)}});
    }
    body["evidence"] = std::move(evidence);
    result = send("POST", "/v1/transfers", json::serialize(body));
  } else if (list_->parsed()) {
    std::string query = state_.empty() ? "" : "?state=" + state_;
    std::optional<json::value> page = send("GET", "/v1/transfers" + query);
    if (!page) return 1;
    for (const json::value& t : page->as_object().at("items").as_array()) {
      PrintTransfer(t.as_object(), out);
    }
    return 0;
  } else if (show_->parsed()) {
    result = send("GET", path);
  } else if (approve_->parsed()) {
    result = act("approve", {{"reason", reason_}});
  } else if (reject_->parsed()) {
    result = act("reject", {{"reason", reason_}});
  } else if (object_->parsed()) {
    result = act("object", {{"reason", reason_}});
  } else if (withdraw_->parsed()) {
    result = act("withdraw", {{"confirm", true}});
  }
  if (!result) return 1;
  const json::object& t = result->as_object();
  PrintTransfer(t, out);
  out << "  reason: " << TextOf(t, "reason") << "\n";
  if (std::string why = TextOf(t, "decision_reason"); !why.empty()) {
    out << "  decision: " << why << "\n";
  }
  for (const json::value& e : t.at("evidence").as_array()) {
    const json::object& f = e.as_object();
    out << "  evidence " << TextOf(f, "index") << " " << TextOf(f, "kind") << " "
        << TextOf(f, "file_name") << " " << TextOf(f, "content_type") << " " << TextOf(f, "size")
        << " bytes\n";
  }
  return 0;
}

}  // namespace icp::cli
