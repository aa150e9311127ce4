-- Database roles (run once, safe to run again):
--   warehouse_etl     loads and transforms: reads and writes stg, dim, fact and etl, runs the etl procedures, reads rpt
--   warehouse_reader  people, Power BI and DBAs: reads rpt, dim and fact only (never stg, never etl)
-- Roles belong to the PostgreSQL cluster, grants to this database. Default privileges give the
-- same rights on tables, views and routines the migrating owner creates later (the rpt views are
-- created after this script). Add logins with GRANT warehouse_reader TO some_login.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'warehouse_etl') THEN
        CREATE ROLE warehouse_etl NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- created at the same moment by another database's migration on this cluster
END;
$$;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'warehouse_reader') THEN
        CREATE ROLE warehouse_reader NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END;
$$;

GRANT USAGE ON SCHEMA stg, dim, fact, etl, rpt TO warehouse_etl;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA stg, dim, fact, etl TO warehouse_etl;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA stg, dim, fact, etl TO warehouse_etl;
GRANT EXECUTE ON ALL ROUTINES IN SCHEMA etl TO warehouse_etl;
GRANT SELECT ON ALL TABLES IN SCHEMA rpt TO warehouse_etl;
ALTER DEFAULT PRIVILEGES IN SCHEMA stg, dim, fact, etl GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO warehouse_etl;
ALTER DEFAULT PRIVILEGES IN SCHEMA stg, dim, fact, etl GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO warehouse_etl;
ALTER DEFAULT PRIVILEGES IN SCHEMA etl GRANT EXECUTE ON ROUTINES TO warehouse_etl;
ALTER DEFAULT PRIVILEGES IN SCHEMA rpt GRANT SELECT ON TABLES TO warehouse_etl;

GRANT USAGE ON SCHEMA rpt, dim, fact TO warehouse_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA rpt, dim, fact TO warehouse_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA rpt, dim, fact GRANT SELECT ON TABLES TO warehouse_reader;
