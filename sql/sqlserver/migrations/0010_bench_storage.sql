-- Storage choices from the benchmark (issue 7, docs/performance.md).
-- PostgreSQL sets fillfactor 50 on etl.work_split (filling part_amount becomes a HOT update) and
-- drops the two secondary indexes of etl.work_order_line (every UPDATE pass rewrote them). SQL
-- Server updates those unindexed columns in place, so it needs neither change and keeps the indexes.
--
-- The two largest facts become clustered columnstores: Power BI and the DBA queries scan and
-- aggregate them by day, SKU, shop and campaign (rpt.sku_daily, rpt.campaign_profit,
-- rpt.sku_settlement, rpt.reconciliation), which is what columnstore compression and batch mode
-- are for. The natural key stays unique as a nonclustered primary key, and the publish step's
-- delete by date_key keeps its rowstore index. Not measured here: the benchmark machine has no
-- SQL Server (docs/performance.md).
ALTER TABLE fact.order_line DROP CONSTRAINT pk_fact_order_line;
GO
CREATE CLUSTERED COLUMNSTORE INDEX cci_fact_order_line ON fact.order_line;
GO
ALTER TABLE fact.order_line ADD CONSTRAINT pk_fact_order_line PRIMARY KEY NONCLUSTERED (shop_key, order_id, line_item_id);
GO

ALTER TABLE fact.sku_daily DROP CONSTRAINT pk_fact_sku_daily;
GO
CREATE CLUSTERED COLUMNSTORE INDEX cci_fact_sku_daily ON fact.sku_daily;
GO
ALTER TABLE fact.sku_daily ADD CONSTRAINT pk_fact_sku_daily PRIMARY KEY NONCLUSTERED (date_key, shop_key, product_key, traffic_source_key);
GO
