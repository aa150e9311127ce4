-- migrate: without transaction
-- Issue 13, item 2: a workbook or an export reads everything from one snapshot: a SNAPSHOT isolation
-- transaction (Database/SnapshotRead.cs), which the database must allow. ALTER DATABASE cannot run
-- inside a transaction, so the first line above tells the Migrator to run this script without one.
-- Enabling it waits for transactions already running to end, needs no single-user mode and changes
-- nothing for other sessions (READ_COMMITTED_SNAPSHOT is left as it is: see docs/power-bi.md).
IF EXISTS (SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND snapshot_isolation_state = 0)
    ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON;
