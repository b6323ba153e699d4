-- What the application role may do, table by table.  Run as the owner after every migrate
-- and every restore (it is idempotent):
--
--   pilot06-manage --owner dbshell -- -v ON_ERROR_STOP=1 -f deploy/postgres/grants.sql
--
-- Full DML (no TRUNCATE, no DDL) on every table, then INSERT and SELECT only on the
-- append-only ones.  The audit trail's triggers refuse UPDATE, DELETE and TRUNCATE for every
-- role; this makes the refusal a permission error before any trigger runs, and keeps it if
-- the triggers were ever dropped.  An append-only table added later (issued documents) gets
-- its own line at the end.

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO pilot06_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO pilot06_app;

REVOKE ALL ON approvals_auditentry FROM pilot06_app;
GRANT INSERT, SELECT ON approvals_auditentry TO pilot06_app;

REVOKE ALL ON documents_issueddocument FROM pilot06_app;
GRANT INSERT, SELECT ON documents_issueddocument TO pilot06_app;
