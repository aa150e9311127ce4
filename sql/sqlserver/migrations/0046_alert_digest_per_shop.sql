-- The alert digest per shop time zone and in two steps (profit model section 8, Delivery).
-- A channel's delivery is claimed (sending) before the digest goes out and confirmed (sent) after it was
-- accepted: a claim that is never confirmed (the run stopped, or could not record the answer) is not sent
-- again. etl.alert_digest keeps the shop's local day whose scheduled digest went out, one per day.
ALTER TABLE etl.alert_delivery ADD delivery_status nvarchar(10) NOT NULL CONSTRAINT df_etl_alert_delivery_status DEFAULT N'sent';  -- sending or sent

-- One row per shop and local day whose scheduled alert digest went out (Alerts:DigestTime on the shop's clock).
CREATE TABLE etl.alert_digest (
    shop_key            int                NOT NULL,
    digest_date         date               NOT NULL,  -- the shop's local day
    sent_at             datetimeoffset(3)  NOT NULL,
    etl_run_id          bigint             NOT NULL,
    CONSTRAINT pk_etl_alert_digest PRIMARY KEY (shop_key, digest_date)
);
