-- Alerts (profit model section 8): a hero's daily contribution margin or blended ROAS down by more than a
-- share against its trailing baseline.
INSERT INTO etl.setting (setting_name, setting_value, description)
SELECT source.setting_name, source.setting_value, source.description
FROM (VALUES
    ('alert_hero_drop_share',     '0.30', 'Alerts: a hero whose margin or blended ROAS of the day is down by more than this share of its baseline'),
    ('alert_hero_baseline_days',  '28',   'Alerts: days before the latest day that make the baseline of the hero drop rule')
) AS source (setting_name, setting_value, description)
WHERE NOT EXISTS (SELECT 1 FROM etl.setting AS target WHERE target.setting_name = source.setting_name);
