-- Procedures and views are applied by `warehouse migrate` (and the service at start-up) only when
-- their script changed: the SHA-256 of each script last applied. Every other command compares the
-- scripts it carries with this table and etl.schema_version, and refuses to run on an older schema
-- instead of changing it (a reporting login must never need DDL rights).
CREATE TABLE etl.script_hash (
    script_name     varchar(255)  NOT NULL,  -- the embedded script, e.g. sql/postgres/views/110_rpt.sku_profit.sql
    sha256          varchar(64)   NOT NULL,  -- upper-case hex SHA-256 of the script text (line ends as \n)
    applied_at      timestamptz   NOT NULL,  -- when `warehouse migrate` last applied this version of the script
    CONSTRAINT pk_etl_script_hash PRIMARY KEY (script_name)
);

-- warehouse_reader runs `warehouse report`, `export` and `status`: it reads the schema version and
-- the run log, watermarks and schedule those commands show, and still nothing of staging, work
-- tables, rejects or settings. DbUp creates etl.schema_version before it runs the first script.
GRANT USAGE ON SCHEMA etl TO warehouse_reader;
GRANT SELECT ON etl.script_hash, etl.run, etl.run_step, etl.watermark,
                etl.qrtz_triggers, etl.qrtz_cron_triggers, etl.qrtz_scheduler_state TO warehouse_reader;
DO $$
BEGIN
    IF to_regclass('etl.schema_version') IS NOT NULL THEN
        GRANT SELECT ON etl.schema_version TO warehouse_reader;
    END IF;
END;
$$;
