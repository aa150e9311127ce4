-- Storage choices from the benchmark (issue 7, docs/performance.md).
-- etl.work_split holds every part of every split of a run (5 rows per settled line: about 5 M
-- rows at 1 M order lines). Each row is inserted once and then updated once, when
-- etl.split_by_largest_remainder fills part_amount. With full pages that update moves the row
-- and writes a new entry in both indexes; with half-empty pages the new version stays on its
-- page (a HOT update) and no index is touched. Measured on 600,000 rows: 13.5 s -> 2.8 s.
ALTER TABLE etl.work_split SET (fillfactor = 50);

-- etl.work_order_line is rewritten by about ten UPDATE passes in one run (vouchers, settled and
-- estimated fees, shipping, other costs, contribution, attribution). PostgreSQL writes every
-- updated row as a new version with a new entry in every index, so each secondary index costs
-- a full index rebuild per pass. Joins on these columns are hash joins at any size that
-- matters, so the two secondary indexes go; the primary key (line_number) stays.
-- Measured on 1 M rows: one UPDATE pass 12.5-13.6 s with the three indexes, 3.4-6.3 s with the key alone.
-- SQL Server updates these (unindexed) columns in place and keeps both indexes.
DROP INDEX etl.ix_etl_work_order_line_order;
DROP INDEX etl.ix_etl_work_order_line_sku_date;
