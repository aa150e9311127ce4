-- Schemas of the warehouse: stg (raw, source-shaped), dim and fact (the star),
-- etl (runs, watermarks, rejects, settings, load procedures), rpt (views for people and Power BI).
CREATE SCHEMA IF NOT EXISTS stg;
CREATE SCHEMA IF NOT EXISTS dim;
CREATE SCHEMA IF NOT EXISTS fact;
CREATE SCHEMA IF NOT EXISTS etl;
CREATE SCHEMA IF NOT EXISTS rpt;
