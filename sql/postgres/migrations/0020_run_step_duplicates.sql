-- Issue 13: rows of a loaded file that repeated the key of a later row of the same file. The last row wins (as
-- before); the count of the replaced ones is recorded so that `warehouse status` and the run log show it.
ALTER TABLE etl.run_step ADD COLUMN rows_duplicate bigint NOT NULL DEFAULT 0;
