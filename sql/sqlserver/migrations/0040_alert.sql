-- Daily monitoring (docs/profit-model.md section 8): one row per alert episode, rule x subject x
-- first day. etl.compute_alerts opens, updates and resolves episodes after every transform; the
-- digest (e-mail, webhook) marks each channel's delivery in etl.alert_delivery and the episode's
-- delivered_at once every configured channel has it, so nothing is sent twice or lost.
CREATE TABLE fact.alert (
    alert_id            bigint IDENTITY(1,1) NOT NULL,
    rule_code           nvarchar(40)   NOT NULL,
    subject_type        nvarchar(10)   NOT NULL,
    shop_key            integer       NOT NULL,
    product_key         integer       NOT NULL,
    campaign_key        integer       NOT NULL,
    subject             nvarchar(100)  NOT NULL,
    first_date_key      integer       NOT NULL,
    date_key            integer       NOT NULL,
    severity            nvarchar(10)   NOT NULL,
    measured_value      decimal(19,4) NULL,
    baseline_value      decimal(19,4) NULL,
    threshold_value     decimal(19,4) NULL,
    money_amount        decimal(19,4) NULL,
    alert_message       nvarchar(1000) NOT NULL,
    opened_on           date          NOT NULL,
    last_seen_on        date          NOT NULL,
    resolved_on         date          NULL,
    delivered_at        datetimeoffset(3) NULL,
    etl_run_id          bigint        NOT NULL,
    CONSTRAINT pk_fact_alert PRIMARY KEY (alert_id),
    CONSTRAINT uq_fact_alert_episode UNIQUE (rule_code, shop_key, product_key, campaign_key, subject, first_date_key)
);
CREATE INDEX ix_fact_alert_open ON fact.alert (resolved_on, rule_code);

-- One row per alert and channel (email, webhook) once the digest carrying it was accepted.
CREATE TABLE etl.alert_delivery (
    alert_id            bigint        NOT NULL,
    channel             nvarchar(20)   NOT NULL,  -- email or webhook
    delivered_at        datetimeoffset(3) NOT NULL,
    etl_run_id          bigint        NOT NULL,
    CONSTRAINT pk_etl_alert_delivery PRIMARY KEY (alert_id, channel),
    CONSTRAINT fk_etl_alert_delivery_alert FOREIGN KEY (alert_id) REFERENCES fact.alert (alert_id)
);

INSERT INTO etl.setting (setting_name, setting_value, description)
SELECT source.setting_name, source.setting_value, source.description
FROM (VALUES
    (N'alert_loss_days',             '7',      'Alerts: days of the trailing window of the SKU loss rule'),
    (N'alert_loss_threshold',        '0',      'Alerts: a SKU with ad spend whose contribution after ads over the window is below this loses money'),
    (N'alert_spike_z',               '2.5',    'Alerts: campaign spend of the day this many standard deviations from its trailing mean'),
    (N'alert_spike_baseline_days',   '28',     'Alerts: days of the trailing baseline of the campaign spend rule'),
    (N'alert_spike_min_days',        '14',     'Alerts: a campaign needs spend on at least this many baseline days to be judged'),
    (N'alert_zero_spend_days',       '7',      'Alerts: a campaign that spent on each of this many days and nothing on the latest day'),
    (N'alert_no_sales_days',         '3',      'Alerts: days of spend without attributed orders'),
    (N'alert_no_sales_spend_floor',  '20.00',  'Alerts: spend without sales counts above this much spend over those days'),
    (N'alert_unallocated_days',      '7',      'Alerts: days over which the unallocated spend share is measured'),
    (N'alert_unallocated_share',     '0.05',   'Alerts: unallocated spend above this share of all spend'),
    (N'alert_settlement_days',       '28',     'Alerts: days of orders whose flagged settlement differences are reported'),
    (N'alert_stale_days',            '2',      'Alerts: orders or ad spend of a shop this many days behind the latest day are stale'),
    (N'alert_stale_settlement_days', N'21', N'Alerts: settlements of a shop this many days behind the latest day are stale')
) AS source (setting_name, setting_value, description)
WHERE NOT EXISTS (SELECT 1 FROM etl.setting AS target WHERE target.setting_name = source.setting_name);
