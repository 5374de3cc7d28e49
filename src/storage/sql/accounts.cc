// Accounts in portable SQL. The personal data (e-mail, bound mobile, real name) is one sealed
// document in accounts.personal, bound to the account's id ('' when there is none).
#include "codec/account_json.h"
#include "ports/storage_errors.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {
namespace {

constexpr std::string_view kKind = "account";
constexpr std::string_view kInsertAccount =
    "INSERT INTO accounts (login, role, display_name, password_hash, created_at, disabled_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
constexpr std::string_view kSealAccount = "UPDATE accounts SET personal = $2 WHERE id = $1";
constexpr std::string_view kUpdateAccount =
    "UPDATE accounts SET role = $2, display_name = $3, password_hash = $4, disabled_at = $5, "
    "personal = $6 WHERE id = $1 RETURNING id";
#define ICP_ACCOUNT_COLUMNS \
  "SELECT id, login, role, display_name, password_hash, created_at, disabled_at, personal "
constexpr std::string_view kAccountById = ICP_ACCOUNT_COLUMNS "FROM accounts WHERE id = $1";
constexpr std::string_view kAccountByLogin = ICP_ACCOUNT_COLUMNS "FROM accounts WHERE login = $1";
constexpr std::string_view kAccountsAfter =
    ICP_ACCOUNT_COLUMNS "FROM accounts WHERE id > $1 ORDER BY id LIMIT $2";
#undef ICP_ACCOUNT_COLUMNS

codec::AccountPersonal PersonalOf(const Account& a) {
  codec::AccountPersonal p{a.email, a.mobile, std::nullopt, std::nullopt};
  if (a.real_name) {
    p.real_name = a.real_name->value;
    p.real_name_verified_at = a.real_name->verified_at;
  }
  return p;
}

// The sealed personal document of account `id`, or '' when it has none.
std::string SealedPersonal(const Session& s, const Account& a, std::int64_t id) {
  const codec::AccountPersonal p = PersonalOf(a);
  if (p.empty()) return "";
  return s.vault.Seal(codec::EncodeAccountPersonal(p), SealContext(kKind, id));
}

}  // namespace

Result<AccountId> AccountRepository::Insert(const Account& a) {
  const Value p[] = {a.login,         Text(RoleName(a.role)), a.display_name,
                     a.password_hash, Time(a.created_at),     OptionalTime(a.disabled_at)};
  Result<Rows> r = s_.Run(kInsertAccount, p);
  if (!r) {
    if (ConstraintOf(r.error()) == "accounts.login") {
      return s_.Refuse(storage_errors::LoginTaken(a.login));
    }
    return std::unexpected(r.error());
  }
  const std::int64_t id = r->rows.at(0).Int(0);
  if (std::string sealed = SealedPersonal(s_, a, id); !sealed.empty()) {
    const Value seal[] = {id, std::move(sealed)};
    if (Result<Rows> done = s_.Run(kSealAccount, seal); !done) {
      return std::unexpected(done.error());
    }
  }
  return AccountId(id);
}

Result<void> AccountRepository::Update(const Account& a) {
  const Value p[] = {std::int64_t{a.id.value()},
                     Text(RoleName(a.role)),
                     a.display_name,
                     a.password_hash,
                     OptionalTime(a.disabled_at),
                     SealedPersonal(s_, a, a.id.value())};
  Result<Rows> r = s_.Run(kUpdateAccount, p);
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return Missing("account", a.id.value());
  return {};
}

Result<std::vector<Account>> AccountRepository::Select(std::string_view statement,
                                                       std::span<const Value> params) {
  Result<Rows> r = s_.Run(statement, params);
  if (!r) return std::unexpected(r.error());
  std::vector<Account> out;
  for (const Row& row : r->rows) {
    const std::string what = "account " + row.Text(0);
    std::optional<Role> role = RoleFromName(row.Text(2));
    if (!role) return Internal(what + " has an unknown role " + row.Text(2));
    Account account{AccountId(row.Int(0)), row.Text(1),           *role, row.Text(3), row.Text(4),
                    TimeAt(row, 5),        OptionalTimeAt(row, 6)};
    if (const std::string sealed = row.Text(7); !sealed.empty()) {
      Result<std::string> document = s_.vault.Open(sealed, SealContext(kKind, row.Int(0)));
      if (!document) return Corrupt(what, document.error());
      Result<codec::AccountPersonal> personal = codec::DecodeAccountPersonal(*document);
      if (!personal) return Corrupt(what, personal.error());
      account.email = std::move(personal->email);
      account.mobile = std::move(personal->mobile);
      if (personal->real_name) {
        account.real_name =
            VerifiedRealName{std::move(*personal->real_name), *personal->real_name_verified_at};
      }
    }
    if (Result<void> ok = row.Check(); !ok) return Corrupt(what, ok.error());
    out.push_back(std::move(account));
  }
  return out;
}

Result<Account> AccountRepository::One(std::string_view statement, const Value& key,
                                       const std::string& what) {
  Result<std::vector<Account>> r = Select(statement, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return NotFound("account " + what + " does not exist");
  return std::move(r->front());
}

Result<Account> AccountRepository::Get(AccountId id) {
  return One(kAccountById, std::int64_t{id.value()}, std::to_string(id.value()));
}

Result<Account> AccountRepository::FindByLogin(std::string_view login) {
  return One(kAccountByLogin, Text(login), std::string(login));
}

Result<std::vector<Account>> AccountRepository::List(AccountId after, std::size_t limit) {
  const Value p[] = {std::int64_t{after.value()}, static_cast<std::int64_t>(limit)};
  return Select(kAccountsAfter, p);
}

}  // namespace icp::sql
