-- The seller's shipping rate card and fixed/manual expenses (issue 3's seller files).
--
-- Rate card: what the seller pays to ship one order, by the number of units in it, for orders
-- TikTok has not settled yet (profit model section 1, shipping_cost "else rate card"). A card
-- applies from its effective_from until the shop's next one; an order takes the highest band
-- whose min_units it reaches. An order no band covers falls back to cost_setting's flat
-- shipping_cost_per_order. Units, not weight: TikTok's order payloads and exports we stage carry
-- no package weight per SKU.
CREATE TABLE stg.shipping_rate (
    shop_id             varchar(64)    NOT NULL,
    effective_from      date           NOT NULL,  -- first paid date the card applies to; it applies until the shop's next effective_from
    min_units           integer        NOT NULL,  -- the band: orders of at least this many units (the highest band reached applies)
    cost_per_order      numeric(19,4)  NOT NULL,  -- seller-borne shipping for one such order, in the shop's currency
    etl_run_id          bigint         NOT NULL,
    CONSTRAINT pk_stg_shipping_rate PRIMARY KEY (shop_id, effective_from, min_units)
);

-- Fixed and manual expenses: costs that belong to no SKU (software, salaries, rent, agency fees,
-- a photo shoot). One row per category, description and first day; the amount, in the shop's
-- currency, is spread evenly over the days from date_from to date_to (exactly, to the cent).
-- They show below contribution after ads, as net profit, never inside a SKU's contribution.
CREATE TABLE stg.expense (
    shop_id             varchar(64)    NOT NULL,
    category            varchar(100)   NOT NULL,  -- the seller's own grouping, e.g. Software, Salaries, Agency fee
    description         varchar(500)   NOT NULL,  -- what it is; blank when the file has none
    date_from           date           NOT NULL,  -- first day the expense covers
    date_to             date           NOT NULL,  -- last day it covers (= date_from for a one-off)
    amount              numeric(19,4)  NOT NULL,  -- the whole amount for the period, in the shop's currency
    etl_run_id          bigint         NOT NULL,
    CONSTRAINT pk_stg_expense PRIMARY KEY (shop_id, category, description, date_from),
    CONSTRAINT ck_stg_expense_dates CHECK (date_to >= date_from)
);

-- Grain: shop x day x expense category. Rebuilt whole by every transform (etl.publish_shop_expense).
CREATE TABLE fact.shop_expense_daily (
    date_key            integer        NOT NULL,
    shop_key            integer        NOT NULL,
    expense_category    varchar(100)   NOT NULL,  -- the seller's expense category (stg.expense.category), e.g. Software
    expense_amount      numeric(19,4)  NOT NULL,  -- the day's share of the category's expenses, in the shop's currency
    etl_run_id          bigint         NOT NULL,
    CONSTRAINT pk_fact_shop_expense_daily PRIMARY KEY (date_key, shop_key, expense_category)
);
