-- The runtime role (docs/storage.md "Roles on PostgreSQL"). Migrations run as the owner role,
-- which owns every table; icpd and icpctl connect as a member of beian_runtime, which owns
-- nothing, so it can neither drop nor disable a trigger, and holds only the privileges below:
-- no TRUNCATE anywhere, no UPDATE or DELETE where the schema forbids them, nothing on
-- schema_migrations but SELECT. The triggers refuse the same writes; the privileges are a
-- second wall that does not depend on them.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'beian_runtime') THEN
    BEGIN
      CREATE ROLE beian_runtime NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;  -- another migrator (of another schema) created it just now
    END;
  END IF;
END $$;

DO $$
DECLARE
  s TEXT := quote_ident(current_schema());
BEGIN
  EXECUTE 'GRANT USAGE ON SCHEMA ' || s || ' TO beian_runtime';
  EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ' || s ||
          ' TO beian_runtime';
  EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ' || s || ' TO beian_runtime';
END $$;

REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM beian_runtime;
REVOKE UPDATE, DELETE ON audit_log FROM beian_runtime;
-- UPDATE stays: the writer locks the head (SELECT ... FOR UPDATE needs it) and the insert
-- trigger moves it, checked by audit_head_moves_forward.
REVOKE INSERT, DELETE ON audit_head FROM beian_runtime;
REVOKE UPDATE, DELETE ON application_transitions FROM beian_runtime;
REVOKE DELETE ON filing_numbers FROM beian_runtime;
REVOKE DELETE ON authorization_codes FROM beian_runtime;
REVOKE DELETE ON subjects, websites, applications FROM beian_runtime;
REVOKE DELETE ON outbox, inbox FROM beian_runtime;
REVOKE UPDATE ON inbox FROM beian_runtime;
