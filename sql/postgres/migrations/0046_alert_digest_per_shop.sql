-- The alert digest per shop time zone and in two steps (profit model section 8, Delivery).
-- A channel's delivery is claimed (sending) before the digest goes out and confirmed (sent) after it was
-- accepted: a claim that is never confirmed (the run stopped, or could not record the answer) is not sent
-- again. etl.alert_digest keeps the shop's local day whose scheduled digest went out, one per day.
ALTER TABLE etl.alert_delivery ADD COLUMN delivery_status varchar(10) NOT NULL DEFAULT 'sent';  -- sending or sent

-- One row per shop and local day whose scheduled alert digest went out (Alerts:DigestTime on the shop's clock).
CREATE TABLE etl.alert_digest (
    shop_key            integer       NOT NULL,
    digest_date         date          NOT NULL,  -- the shop's local day
    sent_at             timestamptz   NOT NULL,
    etl_run_id          bigint        NOT NULL,
    CONSTRAINT pk_etl_alert_digest PRIMARY KEY (shop_key, digest_date)
);
