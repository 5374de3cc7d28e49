#include "cli/filing_command.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "cli/api_call.h"
#include "cli/auth_command.h"
#include "cli/db_command.h"

namespace icp::cli {
namespace {

namespace json = boost::json;

// "42  first_filing  provider_review  初审中  due 2026-12-01T10:00:00Z" for an application.
void PrintSummary(const json::object& a, std::ostream& out) {
  out << TextOf(a, "id") << "\t" << TextOf(a, "type") << "\t" << TextOf(a, "state") << "\t"
      << TextOf(a, "state_label");
  if (const json::value* d = a.if_contains("deadline"); d != nullptr && d->is_object()) {
    out << "\tdue " << TextOf(d->as_object(), "due");
  }
  out << "\n";
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

std::string ContentTypeOf(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".png" || ext == ".PNG") return "image/png";
  if (ext == ".pdf" || ext == ".PDF") return "application/pdf";
  return "image/jpeg";  // icpd decides by the bytes, whatever this says
}

std::string Escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    const bool plain =
        std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '[' || c == ']' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::unique_ptr<FilingCommands> FilingCommands::Register(CLI::App& app) {
  std::unique_ptr<FilingCommands> c(new FilingCommands);
  c->apply_ = app.add_subcommand("apply", "Open an application from a JSON document");
  c->apply_->add_option("file", c->file_, "docs/application-json.md")->required();
  c->upload_ = app.add_subcommand("upload", "Upload a material (JPEG, PNG or PDF)");
  c->upload_->add_option("id", c->id_, "Application id")->required();
  c->upload_->add_option("file", c->file_, "The file")->required();
  c->upload_->add_option("--kind", c->kind_, "identity_document, domain_certificate, ...")
      ->required();
  c->upload_->add_option("--owner", c->owner_, "subject, subject.principal, websites[0], ...")
      ->required();
  c->upload_->add_option("--certificate-number", c->certificate_number_,
                         "The number a certificate shows (certificate materials)");
  c->submit_ = app.add_subcommand("submit", "Check the rules and send it for review");
  c->submit_->add_option("id", c->id_, "Application id")->required();
  c->status_ = app.add_subcommand("status", "State, deadline and the reasons of a return");
  c->status_->add_option("id", c->id_, "Application id")->required();
  c->review_ = app.add_subcommand("review", "The provider's review (reviewers)");
  c->review_->require_subcommand(1);
  c->queue_ = c->review_->add_subcommand("queue", "Applications waiting, oldest deadline first");
  c->claim_ = c->review_->add_subcommand("claim", "Take an application");
  c->claim_->add_option("id", c->id_, "Application id")->required();
  c->pass_ = c->review_->add_subcommand("pass", "Pass it on (to verification, or the bureau)");
  c->pass_->add_option("id", c->id_, "Application id")->required();
  c->contact_ = c->review_->add_subcommand("contact", "Record a call to the leader");
  c->contact_->add_option("id", c->id_, "Application id")->required();
  c->contact_->add_option("outcome", c->outcome_, "reached or missed")
      ->required()
      ->check(CLI::IsMember({"reached", "missed"}));
  c->return_ = c->review_->add_subcommand("return", "Return it with a reason on a field");
  c->return_->add_option("id", c->id_, "Application id")->required();
  c->return_->add_option("--field", c->field_, "The field: subject.name, websites[0].name, ...")
      ->required();
  c->return_->add_option("--reason", c->reason_, "What is wrong")->required();
  c->return_->add_option("--suggestion", c->suggestion_, "How to fix it");
  c->codes_ = app.add_subcommand("codes", "备案授权码: lend a server to another account's filing");
  c->codes_->require_subcommand(1);
  c->code_create_ = c->codes_->add_subcommand("create", "A code for one of your servers");
  c->code_create_->add_option("server", c->id_, "The server's instance id")->required();
  c->code_list_ = c->codes_->add_subcommand("list", "Codes you generated or redeemed");
  c->code_revoke_ = c->codes_->add_subcommand("revoke", "Withdraw an unused code of yours");
  c->code_revoke_->add_option("code", c->id_, "The code")->required();
  c->code_redeem_ = c->codes_->add_subcommand("redeem", "Use another account's code");
  c->code_redeem_->add_option("code", c->id_, "The code")->required();
  return c;
}

bool FilingCommands::parsed() const {
  return apply_->parsed() || upload_->parsed() || submit_->parsed() || status_->parsed() ||
         review_->parsed() || codes_->parsed();
}

int FilingCommands::Run(HttpClient& http, const std::filesystem::path& token_file,
                        std::ostream& out, std::ostream& err) {
  Result<StoredToken> token = ReadTokenFile(token_file);
  if (!token) {
    PrintError(token.error(), err);
    return 1;
  }
  auto send = [&](std::string method, const std::string& path, std::string body = {},
                  std::map<std::string, std::string> headers = {}) {
    return CallJson(http, *token, std::move(method), path, err, std::move(body), headers);
  };
  const std::string app = "/v1/applications/" + Escape(id_);
  // An act on the application as last read: its ETag goes back as If-Match.
  auto act = [&](const std::string& verb, std::string body) -> std::optional<json::value> {
    std::optional<json::value> now = send("GET", app);
    if (!now) return std::nullopt;
    return send("POST", app + ":" + verb, std::move(body),
                {{"If-Match", TextOf(now->as_object(), "_etag")}});
  };

  // "CODE  STATE  SERVER  IP  generated by LOGIN" for a code.
  auto print_code = [&](const json::value& c) {
    const json::object& o = c.as_object();
    out << TextOf(o, "code") << "\t" << TextOf(o, "state") << "\t" << TextOf(o, "server_id") << "\t"
        << TextOf(o, "ip") << "\tgenerated by " << TextOf(o, "generated_by") << "\n";
  };
  if (codes_->parsed()) {
    std::optional<json::value> answer;
    const std::string code = "/v1/authorization-codes/" + Escape(id_);
    if (code_create_->parsed()) {
      answer = send("POST", "/v1/authorization-codes",
                    json::serialize(json::object{{"server_id", id_}}));
    } else if (code_revoke_->parsed()) {
      answer = send("POST", code + ":revoke", "{}");
    } else if (code_redeem_->parsed()) {
      answer = send("POST", code + ":redeem", "{}");
    } else {
      answer = send("GET", "/v1/authorization-codes");
      if (!answer) return 1;
      for (const json::value& c : answer->as_object().at("authorization_codes").as_array()) {
        print_code(c);
      }
      return 0;
    }
    if (!answer) return 1;
    print_code(*answer);
    return 0;
  }

  std::optional<json::value> result;
  if (apply_->parsed()) {
    std::optional<std::string> doc = ReadFile(file_, err);
    if (!doc) return 1;
    result = send("POST", "/v1/applications", *doc);
  } else if (upload_->parsed()) {
    std::optional<std::string> bytes = ReadFile(file_, err);
    if (!bytes) return 1;
    std::string path = app + "/materials?kind=" + Escape(kind_) + "&owner=" + Escape(owner_) +
                       "&file_name=" + Escape(std::filesystem::path(file_).filename().string());
    if (!certificate_number_.empty()) path += "&certificate_number=" + Escape(certificate_number_);
    std::optional<json::value> m =
        send("POST", path, *bytes, {{"Content-Type", ContentTypeOf(file_)}});
    if (!m) return 1;
    out << "uploaded " << TextOf(m->as_object(), "id") << " "
        << TextOf(m->as_object(), "content_type") << "\n";
    return 0;
  } else if (submit_->parsed()) {
    result = act("submit", "{}");
  } else if (status_->parsed()) {
    result = send("GET", app);
  } else if (queue_->parsed()) {
    std::optional<json::value> page = send("GET", "/v1/review/queue");
    if (!page) return 1;
    for (const json::value& a : page->as_object().at("items").as_array()) {
      PrintSummary(a.as_object(), out);
    }
    return 0;
  } else if (claim_->parsed()) {
    result = act("claim", "{}");
  } else if (pass_->parsed()) {
    result = act("pass", "{}");
  } else if (contact_->parsed()) {
    result = act("contact", json::serialize(json::object{{"outcome", outcome_}}));
  } else if (return_->parsed()) {
    json::object reason{{"field", field_}, {"message", reason_}, {"suggestion", suggestion_}};
    result = act("return", json::serialize(json::object{{"reasons", json::array{reason}}}));
  }
  if (!result) return 1;
  const json::object& a = result->as_object();
  PrintSummary(a, out);
  if (const json::value* f = a.if_contains("feedback"); f != nullptr && f->is_array()) {
    for (const json::value& r : f->as_array()) {
      out << "  " << TextOf(r.as_object(), "field") << ": " << TextOf(r.as_object(), "message");
      if (std::string s = TextOf(r.as_object(), "suggestion"); !s.empty()) out << " (" << s << ")";
      out << "\n";
    }
  }
  if (const json::value* w = a.if_contains("warnings"); w != nullptr && w->is_array()) {
    for (const json::value& v : w->as_array()) {
      out << "  warning " << TextOf(v.as_object(), "field") << " [" << TextOf(v.as_object(), "rule")
          << "] " << TextOf(v.as_object(), "message_zh") << "\n";
    }
  }
  return 0;
}

}  // namespace icp::cli
