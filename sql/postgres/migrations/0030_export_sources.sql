-- Sellers without an API app (issue 11): what their Seller Center downloads need beyond the API's tables.
--
-- The shop's export time format (Seller Center writes local times as US "MM/dd/yyyy hh:mm:ss tt",
-- elsewhere "dd/MM/yyyy HH:mm:ss"), declared with `warehouse shop add` or a shops file; TikTok's API
-- never sends it, so it has its own table and an API extract of stg.shop never touches it.
CREATE TABLE stg.shop_export_format (
    shop_id         varchar(64)  NOT NULL,
    date_format     varchar(64)  NOT NULL,  -- .NET custom format of the export's local times
    etl_run_id      bigint       NOT NULL,
    CONSTRAINT pk_stg_shop_export_format PRIMARY KEY (shop_id)
);

-- Which download a return or cancellation came from: NULL for TikTok's API (and staging files),
-- 'returns_export' (Seller Center returns/refunds export) or 'order_export' (the order export's
-- refund and cancellation columns). One refund is counted once: an order's order-export refunds
-- count only where no other source has one for the order (the settlement's refund, from the
-- income export, wins over both; etl.compute_order_line).
ALTER TABLE stg.return_order ADD COLUMN refund_source varchar(16) NULL;
ALTER TABLE stg.cancellation ADD COLUMN refund_source varchar(16) NULL;
