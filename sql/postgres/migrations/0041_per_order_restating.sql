-- Issue 12, second pass: an incremental transform recomputes the order lines of the orders that
-- changed, not every line of their days. On the other affected days (recomputed for their SKU-day,
-- campaign-day and period aggregates) the lines of unchanged orders are taken as published.

-- The affected days on which every order's lines are recomputed: every day of a full rebuild; in an
-- incremental run the days a new cost, cost setting or rate card reaches, and --from/--to.
CREATE UNLOGGED TABLE etl.work_order_day (
    date_key            integer       NOT NULL,
    CONSTRAINT pk_etl_work_order_day PRIMARY KEY (date_key)
);

-- The orders an incremental run recomputes on the other affected days: those any of whose rows
-- changed, and those a new touchpoint, ad or SKU reaches.
CREATE UNLOGGED TABLE etl.work_changed_order (
    shop_id             varchar(64)   NOT NULL,
    order_id            varchar(64)   NOT NULL,
    CONSTRAINT pk_etl_work_changed_order PRIMARY KEY (shop_id, order_id)
);

