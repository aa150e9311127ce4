-- Database roles (run once, safe to run again):
--   warehouse_etl     loads and transforms: reads and writes stg, dim, fact and etl, runs the etl procedures, reads rpt
--   warehouse_reader  people, Power BI and DBAs: reads rpt, dim and fact only (never stg, never etl)
-- Schema-level grants also cover tables, views and procedures created later. Add logins or users
-- to a role with ALTER ROLE ... ADD MEMBER; schema changes stay with the owner that runs the migrations.
IF DATABASE_PRINCIPAL_ID('warehouse_etl') IS NULL
    CREATE ROLE warehouse_etl;
GO

IF DATABASE_PRINCIPAL_ID('warehouse_reader') IS NULL
    CREATE ROLE warehouse_reader;
GO

GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::stg TO warehouse_etl;
GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::dim TO warehouse_etl;
GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::fact TO warehouse_etl;
GRANT SELECT, INSERT, UPDATE, DELETE, EXECUTE ON SCHEMA::etl TO warehouse_etl;
-- TRUNCATE TABLE needs ALTER on SQL Server (PostgreSQL's TRUNCATE right), and ownership chaining does
-- not cover it: etl.prepare_transform truncates the etl.work_* tables. Only schema etl gets it.
GRANT ALTER ON SCHEMA::etl TO warehouse_etl;
GRANT SELECT ON SCHEMA::rpt TO warehouse_etl;
GO

GRANT SELECT ON SCHEMA::rpt TO warehouse_reader;
GRANT SELECT ON SCHEMA::dim TO warehouse_reader;
GRANT SELECT ON SCHEMA::fact TO warehouse_reader;
GO
