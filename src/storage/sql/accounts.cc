// Accounts in portable SQL.
#include "ports/storage_errors.h"
#include "storage/sql/repositories.h"
#include "storage/sql/values.h"

namespace icp::sql {
namespace {

constexpr std::string_view kInsertAccount =
    "INSERT INTO accounts (login, role, display_name, password_hash, created_at) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id";
constexpr std::string_view kAccountById =
    "SELECT id, login, role, display_name, password_hash, created_at FROM accounts WHERE id = $1";
constexpr std::string_view kAccountByLogin =
    "SELECT id, login, role, display_name, password_hash, created_at FROM accounts "
    "WHERE login = $1";

}  // namespace

Result<AccountId> AccountRepository::Insert(const Account& a) {
  const Value p[] = {a.login, Text(RoleName(a.role)), a.display_name, a.password_hash,
                     Time(a.created_at)};
  Result<Rows> r = s_.Run(kInsertAccount, p);
  if (!r) {
    if (ConstraintOf(r.error()) == "accounts.login") {
      return s_.Refuse(storage_errors::LoginTaken(a.login));
    }
    return std::unexpected(r.error());
  }
  return AccountId(r->rows.at(0).Int(0));
}

Result<Account> AccountRepository::One(std::string_view statement, const Value& key,
                                       const std::string& what) {
  Result<Rows> r = s_.Run(statement, std::span(&key, 1));
  if (!r) return std::unexpected(r.error());
  if (r->empty()) return NotFound("account " + what + " does not exist");
  const Row& row = r->rows[0];
  std::optional<Role> role = RoleFromName(row.Text(2));
  if (!role) return Internal("account " + what + " has an unknown role " + row.Text(2));
  Account account{AccountId(row.Int(0)), row.Text(1), *role,
                  row.Text(3),           row.Text(4), TimeAt(row, 5)};
  if (Result<void> ok = row.Check(); !ok) return std::unexpected(ok.error());
  return account;
}

Result<Account> AccountRepository::Get(AccountId id) {
  return One(kAccountById, std::int64_t{id.value()}, std::to_string(id.value()));
}

Result<Account> AccountRepository::FindByLogin(std::string_view login) {
  return One(kAccountByLogin, Text(login), std::string(login));
}

}  // namespace icp::sql
