-- pilot06's database and its two roles.  Run once, as the PostgreSQL superuser:
--
--   sudo -u postgres psql -v ON_ERROR_STOP=1 \
--        -v owner_password='…' -v app_password='…' -f deploy/postgres/roles.sql
--
-- pilot06_owner owns every table: `migrate` and `restore` run as it (pilot06-manage --owner).
-- pilot06_app is what the web, the worker and the daily jobs connect as; after every migrate,
-- deploy/postgres/grants.sql gives it full DML everywhere except on the append-only tables,
-- where it may only INSERT and SELECT.  Neither role is a superuser, so neither can drop
-- the audit trail's triggers but the owner.

CREATE ROLE pilot06_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE pilot06_app LOGIN PASSWORD :'app_password';
CREATE DATABASE pilot06 OWNER pilot06_owner ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE pilot06 FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE pilot06 TO pilot06_app;

\connect pilot06
-- Only the owner creates objects (PostgreSQL 14 and older let everyone create in public).
ALTER SCHEMA public OWNER TO pilot06_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO pilot06_app;
-- Tables and sequences a later migrate creates are usable by the application at once;
-- grants.sql, run after each migrate, takes UPDATE and DELETE back on the append-only ones.
ALTER DEFAULT PRIVILEGES FOR ROLE pilot06_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pilot06_app;
ALTER DEFAULT PRIVILEGES FOR ROLE pilot06_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO pilot06_app;
