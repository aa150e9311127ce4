-- Alerts (profit model section 8): the hero drop rule judges a day only when the hero sold at least this many
-- orders on it. One or two orders make a day's margin and ROAS swing by half; on the demo sample 11 of 13 hero
-- drop alerts on the latest day came from days of one or two orders.
INSERT INTO etl.setting (setting_name, setting_value, description)
SELECT source.setting_name, source.setting_value, source.description
FROM (VALUES
    (N'alert_hero_min_orders', N'3', N'Alerts: the hero drop rule judges a day only when the hero had at least this many orders on it')
) AS source (setting_name, setting_value, description)
WHERE NOT EXISTS (SELECT 1 FROM etl.setting AS target WHERE target.setting_name = source.setting_name);
