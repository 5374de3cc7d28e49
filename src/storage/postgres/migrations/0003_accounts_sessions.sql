-- Accounts, sessions and API keys (issue 9), as storage/sqlite/migrations/0002_accounts_sessions.sql
-- in PostgreSQL's words: an account may be disabled and carries its personal data sealed;
-- sessions and API keys are stored by the keyed hash of their secret; failed sign-ins are
-- counted per keyed hash of the login and of the client address.

ALTER TABLE accounts ADD COLUMN disabled_at BIGINT
  CONSTRAINT accounts_disabled_after_created CHECK (disabled_at IS NULL OR disabled_at >= created_at);
ALTER TABLE accounts ADD COLUMN personal TEXT NOT NULL DEFAULT '';

CREATE TABLE sessions (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash TEXT NOT NULL CONSTRAINT sessions_token_hash_form CHECK (length(token_hash) = 64),
  account_id BIGINT NOT NULL REFERENCES accounts (id),
  csrf_token TEXT NOT NULL CONSTRAINT sessions_csrf_form CHECK (length(csrf_token) >= 32),
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  CONSTRAINT "sessions.token_hash" UNIQUE (token_hash),
  CONSTRAINT sessions_times CHECK (created_at <= last_seen_at AND last_seen_at <= expires_at AND
                                   (revoked_at IS NULL OR revoked_at >= created_at))
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE TRIGGER sessions_revoked_final BEFORE UPDATE ON sessions
  FOR EACH ROW WHEN (OLD.revoked_at IS NOT NULL)
  EXECUTE FUNCTION refuse('session.revoked');
CREATE TRIGGER sessions_fixed BEFORE UPDATE ON sessions
  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id OR
                     NEW.token_hash IS DISTINCT FROM OLD.token_hash OR
                     NEW.account_id IS DISTINCT FROM OLD.account_id OR
                     NEW.csrf_token IS DISTINCT FROM OLD.csrf_token OR
                     NEW.created_at IS DISTINCT FROM OLD.created_at)
  EXECUTE FUNCTION refuse('session.fixed');

CREATE TABLE api_keys (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id BIGINT NOT NULL REFERENCES accounts (id),
  name TEXT NOT NULL CONSTRAINT api_keys_name_form CHECK (length(name) BETWEEN 1 AND 100),
  prefix TEXT NOT NULL CONSTRAINT api_keys_prefix_form CHECK (length(prefix) BETWEEN 8 AND 32),
  secret_hash TEXT NOT NULL CONSTRAINT api_keys_secret_hash_form CHECK (length(secret_hash) = 64),
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT,
  CONSTRAINT "api_keys.prefix" UNIQUE (prefix),
  CONSTRAINT "api_keys.secret_hash" UNIQUE (secret_hash),
  CONSTRAINT api_keys_times CHECK ((last_used_at IS NULL OR last_used_at >= created_at) AND
                                   (revoked_at IS NULL OR revoked_at >= created_at))
);
CREATE INDEX api_keys_account ON api_keys (account_id);
CREATE TRIGGER api_keys_revoked_final BEFORE UPDATE ON api_keys
  FOR EACH ROW WHEN (OLD.revoked_at IS NOT NULL)
  EXECUTE FUNCTION refuse('api-key.revoked');
CREATE TRIGGER api_keys_fixed BEFORE UPDATE ON api_keys
  FOR EACH ROW WHEN (NEW.id IS DISTINCT FROM OLD.id OR
                     NEW.secret_hash IS DISTINCT FROM OLD.secret_hash OR
                     NEW.prefix IS DISTINCT FROM OLD.prefix OR
                     NEW.account_id IS DISTINCT FROM OLD.account_id OR
                     NEW.created_at IS DISTINCT FROM OLD.created_at)
  EXECUTE FUNCTION refuse('api-key.fixed');

CREATE TABLE login_throttle (
  key_hash TEXT PRIMARY KEY CONSTRAINT login_throttle_key_form CHECK (length(key_hash) = 64),
  failures BIGINT NOT NULL CONSTRAINT login_throttle_failures CHECK (failures >= 1),
  last_failure_at BIGINT NOT NULL,
  next_allowed_at BIGINT NOT NULL
);

-- The runtime role (0002_runtime_role.sql) gets the new tables too.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'beian_runtime') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON sessions, api_keys, login_throttle TO beian_runtime;
  END IF;
END $$;
