-- Issue 13, item 2: a workbook or an export reads everything from one snapshot. On PostgreSQL that is
-- a read-only REPEATABLE READ transaction (Database/SnapshotRead.cs), which needs no setting: every
-- PostgreSQL database keeps the row versions a snapshot needs. SQL Server's migration of the same
-- name enables ALLOW_SNAPSHOT_ISOLATION; here there is nothing to change.
SELECT 1;
