-- Accounts, sessions and API keys (issue 9): an account may be disabled and carries its
-- personal data (e-mail, bound mobile, verified real name) sealed with the PII vault; console
-- sessions and API keys are stored by the keyed hash of their secret, never the secret; failed
-- sign-ins are counted per keyed hash of the login and of the client address. The same tables
-- on PostgreSQL: storage/postgres/migrations/0003_accounts_sessions.sql.

-- disabled_at: NULL while the account is active. personal: '' when the account has no
-- personal data, else the sealed document (bound to the account's id).
ALTER TABLE accounts ADD COLUMN disabled_at INTEGER
  CONSTRAINT accounts_disabled_after_created CHECK (disabled_at IS NULL OR disabled_at >= created_at);
ALTER TABLE accounts ADD COLUMN personal TEXT NOT NULL DEFAULT '';

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash TEXT NOT NULL UNIQUE CONSTRAINT sessions_token_hash_form CHECK (length(token_hash) = 64),
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  csrf_token TEXT NOT NULL CONSTRAINT sessions_csrf_form CHECK (length(csrf_token) >= 32),
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  CONSTRAINT sessions_times CHECK (created_at <= last_seen_at AND last_seen_at <= expires_at AND
                                   (revoked_at IS NULL OR revoked_at >= created_at))
) STRICT;
CREATE INDEX sessions_account ON sessions (account_id);
-- A revoked session stays revoked; what a session is never changes; a session cannot be
-- replaced by a colliding insert (SQLite's REPLACE would delete it without a DELETE trigger).
CREATE TRIGGER sessions_revoked_final BEFORE UPDATE ON sessions
WHEN OLD.revoked_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'session.revoked'); END;
CREATE TRIGGER sessions_fixed BEFORE UPDATE ON sessions
WHEN NEW.id IS NOT OLD.id OR NEW.token_hash IS NOT OLD.token_hash OR
     NEW.account_id IS NOT OLD.account_id OR NEW.csrf_token IS NOT OLD.csrf_token OR
     NEW.created_at IS NOT OLD.created_at
BEGIN SELECT RAISE(ABORT, 'session.fixed'); END;
CREATE TRIGGER sessions_no_replace BEFORE INSERT ON sessions
WHEN EXISTS (SELECT 1 FROM sessions WHERE id = NEW.id OR token_hash = NEW.token_hash)
BEGIN SELECT RAISE(ABORT, 'sessions.token_hash'); END;

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  name TEXT NOT NULL CONSTRAINT api_keys_name_form CHECK (length(name) BETWEEN 1 AND 100),
  prefix TEXT NOT NULL UNIQUE CONSTRAINT api_keys_prefix_form CHECK (length(prefix) BETWEEN 8 AND 32),
  secret_hash TEXT NOT NULL UNIQUE CONSTRAINT api_keys_secret_hash_form CHECK (length(secret_hash) = 64),
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER,
  CONSTRAINT api_keys_times CHECK ((last_used_at IS NULL OR last_used_at >= created_at) AND
                                   (revoked_at IS NULL OR revoked_at >= created_at))
) STRICT;
CREATE INDEX api_keys_account ON api_keys (account_id);
CREATE TRIGGER api_keys_revoked_final BEFORE UPDATE ON api_keys
WHEN OLD.revoked_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'api-key.revoked'); END;
CREATE TRIGGER api_keys_fixed BEFORE UPDATE ON api_keys
WHEN NEW.id IS NOT OLD.id OR NEW.secret_hash IS NOT OLD.secret_hash OR
     NEW.prefix IS NOT OLD.prefix OR NEW.account_id IS NOT OLD.account_id OR
     NEW.created_at IS NOT OLD.created_at
BEGIN SELECT RAISE(ABORT, 'api-key.fixed'); END;
CREATE TRIGGER api_keys_no_replace BEFORE INSERT ON api_keys
WHEN EXISTS (SELECT 1 FROM api_keys
             WHERE id = NEW.id OR secret_hash = NEW.secret_hash OR prefix = NEW.prefix)
BEGIN SELECT RAISE(ABORT, 'api_keys.secret_hash'); END;

CREATE TABLE login_throttle (
  key_hash TEXT PRIMARY KEY CONSTRAINT login_throttle_key_form CHECK (length(key_hash) = 64),
  failures INTEGER NOT NULL CONSTRAINT login_throttle_failures CHECK (failures >= 1),
  last_failure_at INTEGER NOT NULL,
  next_allowed_at INTEGER NOT NULL
) STRICT;
