#include "cli/auth_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/api_call.h"
#include "cli/db_command.h"

namespace icp::cli {
namespace {

namespace json = boost::json;

// "id  login  role  status  display name" for each account.
void PrintAccount(const json::object& a, std::ostream& out) {
  out << TextOf(a, "id") << "\t" << TextOf(a, "login") << "\t" << TextOf(a, "role") << "\t"
      << TextOf(a, "status") << "\t" << TextOf(a, "display_name") << "\n";
}

// The reply body as one JSON object; prints the problem otherwise.
std::optional<json::object> ObjectOf(const HttpReply& reply, std::ostream& err) {
  boost::system::error_code ec;
  json::value v = json::parse(reply.body, ec);
  if (ec || !v.is_object()) {
    err << "icpctl: icpd's answer is not a JSON object\n";
    return std::nullopt;
  }
  return std::move(v.as_object());
}

}  // namespace

Result<void> WriteTokenFile(const std::filesystem::path& path, const StoredToken& token) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return Internal("cannot create " + path.parent_path().string() + ": " + ec.message());
    ::chmod(path.parent_path().c_str(), 0700);
  }
  const std::string text = json::serialize(json::object{
      {"url", token.url}, {"session", token.session}, {"csrf_token", token.csrf_token}});
  // Written beside, then renamed over: a reader never sees half a file, and the secret is
  // never in a file another user may read.
  const std::filesystem::path temp = path.string() + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("cannot write " + temp.string());
  ::fchmod(fd, 0600);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool closed = ::close(fd) == 0;
  if (!written || !closed || std::rename(temp.c_str(), path.c_str()) != 0) {
    std::filesystem::remove(temp, ec);
    return Internal("cannot write " + path.string());
  }
  return {};
}

Result<StoredToken> ReadTokenFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return std::unexpected(
        Error{ErrorCode::kNotFound,
              "not signed in (no " + path.string() + "); run icpctl login",
              {{"", "cli.not-signed-in", "run icpctl login first", "请先登录"}}});
  }
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value v = json::parse(text.str(), ec);
  if (ec || !v.is_object()) return InvalidArgument(path.string() + " is not a token file");
  const json::object& o = v.as_object();
  return StoredToken{TextOf(o, "url"), TextOf(o, "session"), TextOf(o, "csrf_token")};
}

Result<std::string> PromptPassword(std::string_view prompt) {
  const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return FailedPrecondition(
        "no terminal to ask for the password; set the environment "
        "variable instead");
  }
  (void)::write(fd, prompt.data(), prompt.size());
  termios old{};
  const bool tty = ::tcgetattr(fd, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string line;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  if (tty) ::tcsetattr(fd, TCSAFLUSH, &old);
  (void)::write(fd, "\n", 1);
  ::close(fd);
  return line;
}

std::unique_ptr<AuthCommands> AuthCommands::Register(
    CLI::App& app, const std::function<void(CLI::App*)>& add_store_options) {
  std::unique_ptr<AuthCommands> c(new AuthCommands());
  c->login_ = app.add_subcommand(
      "login", "Sign in to icpd; keeps the session in the token file (ICP_TOKEN_FILE, mode 0600)");
  c->login_->add_option("--url", c->url_, "icpd's address, e.g. http://127.0.0.1:8080")->required();
  c->login_->add_option("--login", c->login_name_, "Your login")->required();
  c->login_->footer("The password comes from ICP_PASSWORD, or is asked for without echo.");
  c->logout_ = app.add_subcommand("logout", "End the session and delete the token file");

  c->accounts_ = app.add_subcommand("accounts", "Accounts (admin), over the API");
  c->accounts_->require_subcommand(1);
  c->create_ = c->accounts_->add_subcommand("create", "Create an account");
  c->create_->add_option("--login", c->login_name_, "Its login")->required();
  c->create_->add_option("--role", c->role_, "customer, reviewer or admin (default customer)");
  c->create_->add_option("--display-name", c->display_name_, "Its display name")->required();
  c->create_->add_option("--email", c->email_, "E-mail address");
  c->create_->add_option("--mobile", c->mobile_number_, "Mobile number");
  c->create_->footer("The initial password comes from ICP_NEW_PASSWORD, or is asked for.");
  c->list_ = c->accounts_->add_subcommand("list", "List every account");
  c->list_->add_flag("--json", c->json_, "Print the API's JSON");
  c->real_name_ = c->accounts_->add_subcommand("real-name", "Set an account's verified real name");
  c->real_name_->add_option("id", c->account_id_, "Account id")->required();
  c->real_name_->add_option("--kind", c->kind_, "person or organisation")->required();
  c->real_name_->add_option("--name", c->real_name_value_, "The verified name")->required();
  c->real_name_->add_option("--cert-type", c->cert_type_, "e.g. resident_id, business_licence")
      ->required();
  c->real_name_->add_option("--cert-number", c->cert_number_, "The certificate number")->required();
  c->mobile_ = c->accounts_->add_subcommand("mobile", "Bind a mobile number to an account");
  c->mobile_->add_option("id", c->account_id_, "Account id")->required();
  c->mobile_->add_option("--mobile", c->mobile_number_, "The mobile number")->required();
  c->disable_ = c->accounts_->add_subcommand("disable", "Disable an account");
  c->disable_->add_option("id", c->account_id_, "Account id")->required();
  c->bootstrap_ = c->accounts_->add_subcommand(
      "bootstrap", "Create the first admin on the store itself (refused once an admin exists)");
  c->bootstrap_->add_option("--login", c->login_name_, "The admin's login")->required();
  c->bootstrap_->add_option("--display-name", c->display_name_, "Display name (default: login)");
  c->bootstrap_->footer("The password comes from ICP_NEW_PASSWORD, or is asked for.");
  add_store_options(c->bootstrap_);
  return c;
}

bool AuthCommands::parsed() const {
  return login_->parsed() || logout_->parsed() || accounts_->parsed();
}

bool AuthCommands::needs_store() const { return bootstrap_->parsed(); }

int AuthCommands::RunBootstrap(AuthService& auth, const PasswordSource& password,
                               std::string_view actor, std::ostream& out, std::ostream& err) {
  Result<std::string> pw = password("ICP_NEW_PASSWORD", "password for " + login_name_ + ": ");
  if (!pw) {
    PrintError(pw.error(), err);
    return 1;
  }
  Result<Account> admin = auth.CreateFirstAdmin(
      {login_name_, Role::kAdmin, display_name_.empty() ? login_name_ : display_name_, *pw}, actor);
  if (!admin) {
    PrintError(admin.error(), err);
    return 1;
  }
  out << "admin " << admin->login << " created (account " << admin->id.value() << ")\n";
  return 0;
}

int AuthCommands::Run(HttpClient& http, const std::filesystem::path& token_file,
                      const PasswordSource& password, std::ostream& out, std::ostream& err) {
  if (login_->parsed()) {
    Result<std::string> pw = password("ICP_PASSWORD", "password for " + login_name_ + ": ");
    if (!pw) {
      PrintError(pw.error(), err);
      return 1;
    }
    std::string url = url_;
    while (url.ends_with('/')) url.pop_back();
    HttpCall call{"POST",
                  url + "/v1/sessions",
                  {{"Content-Type", "application/json"}},
                  json::serialize(json::object{{"login", login_name_}, {"password", *pw}})};
    Result<HttpReply> reply = http.Send(call);
    if (!reply) {
      PrintError(reply.error(), err);
      return 1;
    }
    if (reply->status != 201) return PrintProblem(*reply, err);
    std::optional<json::object> body = ObjectOf(*reply, err);
    if (!body) return 1;
    std::string session;
    for (auto [it, end] = reply->headers.equal_range("set-cookie"); it != end; ++it) {
      const std::string& cookie = it->second;
      if (cookie.starts_with("icp_session=")) {
        session = cookie.substr(12, cookie.find(';') - 12);
      }
    }
    if (session.empty()) {
      err << "icpctl: icpd answered without a session cookie\n";
      return 1;
    }
    if (Result<void> w = WriteTokenFile(token_file, {url, session, TextOf(*body, "csrf_token")});
        !w) {
      PrintError(w.error(), err);
      return 1;
    }
    out << "signed in as " << login_name_ << " (" << TextOf(*body, "role") << ") until "
        << TextOf(*body, "expires_at") << "\n";
    return 0;
  }

  Result<StoredToken> token = ReadTokenFile(token_file);
  if (!token) {
    PrintError(token.error(), err);
    return 1;
  }
  auto send = [&](std::string method, std::string path,
                  std::string body = {}) -> std::optional<HttpReply> {
    Result<HttpReply> reply = Call(http, *token, std::move(method), path, std::move(body));
    if (!reply) {
      PrintError(reply.error(), err);
      return std::nullopt;
    }
    if (reply->status >= 300) {
      PrintProblem(*reply, err);
      return std::nullopt;
    }
    return std::move(*reply);
  };

  if (logout_->parsed()) {
    std::optional<HttpReply> reply = send("DELETE", "/v1/sessions/current");
    std::error_code ec;
    std::filesystem::remove(token_file, ec);
    if (!reply) return 1;
    out << "signed out\n";
    return 0;
  }
  if (create_->parsed()) {
    Result<std::string> pw =
        password("ICP_NEW_PASSWORD", "initial password for " + login_name_ + ": ");
    if (!pw) {
      PrintError(pw.error(), err);
      return 1;
    }
    json::object body{{"login", login_name_},
                      {"role", role_},
                      {"display_name", display_name_},
                      {"password", *pw}};
    if (!email_.empty()) body["email"] = email_;
    if (!mobile_number_.empty()) body["mobile"] = mobile_number_;
    std::optional<HttpReply> reply = send("POST", "/v1/accounts", json::serialize(body));
    if (!reply) return 1;
    std::optional<json::object> account = ObjectOf(*reply, err);
    if (!account) return 1;
    PrintAccount(*account, out);
    return 0;
  }
  if (list_->parsed()) {
    json::array all;
    std::string cursor;
    do {
      std::optional<HttpReply> reply =
          send("GET", "/v1/accounts?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor));
      if (!reply) return 1;
      std::optional<json::object> page = ObjectOf(*reply, err);
      if (!page) return 1;
      if (const json::value* items = page->if_contains("items"); items && items->is_array()) {
        for (const json::value& a : items->as_array()) all.push_back(a);
      }
      cursor = TextOf(*page, "next_cursor");
    } while (!cursor.empty());
    if (json_) {
      out << json::serialize(json::object{{"items", all}}) << "\n";
    } else {
      for (const json::value& a : all) {
        if (a.is_object()) PrintAccount(a.as_object(), out);
      }
    }
    return 0;
  }
  std::optional<HttpReply> reply;
  if (real_name_->parsed()) {
    reply =
        send("PUT", "/v1/accounts/" + account_id_ + "/real-name",
             json::serialize(json::object{
                 {"kind", kind_},
                 {"name", real_name_value_},
                 {"certificate", json::object{{"type", cert_type_}, {"number", cert_number_}}}}));
  } else if (mobile_->parsed()) {
    reply = send("PUT", "/v1/accounts/" + account_id_ + "/mobile",
                 json::serialize(json::object{{"mobile", mobile_number_}}));
  } else if (disable_->parsed()) {
    reply = send("POST", "/v1/accounts/" + account_id_ + ":disable");
  } else {
    return 2;
  }
  if (!reply) return 1;
  std::optional<json::object> account = ObjectOf(*reply, err);
  if (!account) return 1;
  PrintAccount(*account, out);
  return 0;
}

}  // namespace icp::cli
