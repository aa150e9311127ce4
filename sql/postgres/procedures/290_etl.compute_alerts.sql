-- Daily monitoring (profit model section 8), after publish, in its own transaction, reading the
-- published facts only. Evaluates every rule as of the latest day with facts, then keeps one
-- episode per rule and subject: a rule still true updates its open episode (a restated day
-- updates it, nothing new opens), a rule newly true opens one, an open episode whose rule is no
-- longer true is resolved on that day.
CREATE OR REPLACE PROCEDURE etl.compute_alerts(p_run_id bigint, INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
DECLARE
    v_loss_days integer := CAST(etl.setting_number('alert_loss_days') AS integer);
    v_loss_threshold numeric(19,4) := etl.setting_number('alert_loss_threshold');
    v_spike_z numeric(19,6) := etl.setting_number('alert_spike_z');
    v_spike_days integer := CAST(etl.setting_number('alert_spike_baseline_days') AS integer);
    v_spike_min_days integer := CAST(etl.setting_number('alert_spike_min_days') AS integer);
    v_zero_days integer := CAST(etl.setting_number('alert_zero_spend_days') AS integer);
    v_no_sales_days integer := CAST(etl.setting_number('alert_no_sales_days') AS integer);
    v_no_sales_floor numeric(19,4) := etl.setting_number('alert_no_sales_spend_floor');
    v_unallocated_days integer := CAST(etl.setting_number('alert_unallocated_days') AS integer);
    v_unallocated_share numeric(19,6) := etl.setting_number('alert_unallocated_share');
    v_settlement_days integer := CAST(etl.setting_number('alert_settlement_days') AS integer);
    v_settlement_tolerance numeric(19,4) := etl.setting_number('settlement_tolerance');
    v_stale_days integer := CAST(etl.setting_number('alert_stale_days') AS integer);
    v_stale_settlement_days integer := CAST(etl.setting_number('alert_stale_settlement_days') AS integer);
    v_safety_days integer := CAST(etl.setting_number('safety_days') AS integer);
    v_lead_time_days integer := CAST(etl.setting_number('lead_time_days') AS integer);
    v_hero_drop_share numeric(19,6) := etl.setting_number('alert_hero_drop_share');
    v_hero_days integer := CAST(etl.setting_number('alert_hero_baseline_days') AS integer);
    v_hero_min_orders integer := CAST(etl.setting_number('alert_hero_min_orders') AS integer);
    v_reporting_currency varchar(3) := (SELECT setting_value FROM etl.setting WHERE setting_name = 'reporting_currency');
    v_as_of_key integer;
    v_as_of date;
    v_period_key integer;
    v_previous_period_key integer;
BEGIN
    SELECT MAX(date_key) INTO v_as_of_key FROM fact.sku_daily;
    IF v_as_of_key IS NULL THEN
        RETURN;
    END IF;
    SELECT calendar_date INTO v_as_of FROM dim.date WHERE date_key = v_as_of_key;
    SELECT MAX(period_end_date_key) INTO v_period_key FROM fact.sku_period WHERE period_end_date_key <= v_as_of_key;
    SELECT MAX(period_end_date_key) INTO v_previous_period_key FROM fact.sku_period WHERE period_end_date_key < v_period_key;

    CREATE TEMP TABLE alert_day ON COMMIT DROP AS
    SELECT date_key, calendar_date, v_as_of - calendar_date AS days_back
    FROM dim.date
    WHERE calendar_date BETWEEN v_as_of - GREATEST(v_spike_days, v_hero_days, v_loss_days, v_no_sales_days, v_unallocated_days, v_settlement_days, v_zero_days) AND v_as_of;

    CREATE TEMP TABLE sku_name ON COMMIT DROP AS
    SELECT product_key,
           product_name || CASE WHEN sku_name IS NOT NULL AND sku_name <> '' THEN ' ' || sku_name ELSE '' END AS sku_label
    FROM dim.product;

    -- One campaign per advertiser and campaign id (dim.campaign has a row per ad): its lowest key names it.
    CREATE TEMP TABLE campaign_member ON COMMIT DROP AS
    SELECT campaign.campaign_key, MIN(campaign.campaign_key) OVER (PARTITION BY campaign.advertiser_id, campaign.campaign_id) AS head_key,
           campaign.campaign_name
    FROM dim.campaign AS campaign
    WHERE campaign.campaign_key <> 0;
    -- Statistics for the small temporary tables: without them the planner guesses their size and reads the
    -- facts they filter (a trailing window of days) in full instead of along the date index.
    ANALYZE alert_day;
    ANALYZE campaign_member;

    CREATE TEMP TABLE campaign_spend ON COMMIT DROP AS
    SELECT ad.shop_key, member.head_key, day.days_back, SUM(ad.spend) AS spend
    FROM fact.ad_daily AS ad
    JOIN campaign_member AS member ON member.campaign_key = ad.campaign_key
    JOIN alert_day AS day ON day.date_key = ad.date_key
    GROUP BY ad.shop_key, member.head_key, day.days_back;
    ANALYZE campaign_spend;

    CREATE TEMP TABLE alert_candidate (
        rule_code varchar(40) NOT NULL, subject_type varchar(10) NOT NULL, shop_key integer NOT NULL, product_key integer NOT NULL,
        campaign_key integer NOT NULL, subject varchar(100) NOT NULL, severity varchar(10) NOT NULL, measured_value numeric(19,4) NULL,
        baseline_value numeric(19,4) NULL, threshold_value numeric(19,4) NULL, money_amount numeric(19,4) NULL, message varchar(1000) NOT NULL
    ) ON COMMIT DROP;

    -- 1. A SKU with ad spend losing money after ads over the window_total days (testing SKUs within their budget excepted).
    INSERT INTO alert_candidate
    WITH window_total AS (
        SELECT daily.shop_key, daily.product_key, SUM(daily.ad_spend) AS ad_spend,
               SUM(daily.contribution_before_ads) AS contribution_before_ads, SUM(daily.contribution_after_ads) AS contribution_after_ads
        FROM fact.sku_daily AS daily
        JOIN alert_day AS day ON day.date_key = daily.date_key AND day.days_back < v_loss_days
        WHERE daily.product_key <> 0
        GROUP BY daily.shop_key, daily.product_key
    )
    SELECT 'sku_loss', 'sku', window_total.shop_key, window_total.product_key, 0, '', 'high',
           window_total.contribution_after_ads, window_total.contribution_before_ads, v_loss_threshold, -window_total.contribution_after_ads,
           name.sku_label || ' lost ' || CAST(CAST(-window_total.contribution_after_ads AS numeric(19,2)) AS varchar(30))
           || ' after ' || CAST(CAST(window_total.ad_spend AS numeric(19,2)) AS varchar(30)) || ' of ads in the last '
           || CAST(v_loss_days AS varchar(10)) || ' days; pause or cut its campaigns'
    FROM window_total
    JOIN sku_name AS name ON name.product_key = window_total.product_key
    LEFT JOIN fact.sku_period AS period
      ON period.period_end_date_key = v_period_key AND period.shop_key = window_total.shop_key AND period.product_key = window_total.product_key
    WHERE window_total.ad_spend > 0
      AND window_total.contribution_after_ads < v_loss_threshold
      AND COALESCE(period.tier, '') <> 'testing';

    -- 2. A SKU whose tier became loser or hero since the previous review period; open while it stays there.
    INSERT INTO alert_candidate
    SELECT 'tier_to_' || current_period.tier, 'sku', current_period.shop_key, current_period.product_key, 0, '',
           CASE current_period.tier WHEN 'loser' THEN 'high' ELSE 'info' END,
           current_period.contribution_after_ads, previous_period.contribution_after_ads, NULL,
           CASE current_period.tier WHEN 'loser' THEN -current_period.contribution_after_ads ELSE current_period.contribution_after_ads END,
           name.sku_label
           || CASE WHEN previous_period.tier <> current_period.tier
                   THEN ' turned ' || current_period.tier || ' (was ' || previous_period.tier || ')'
                   ELSE ' is still ' || current_period.tier END
           || ': ' || current_period.reason || '; ' || current_period.action
    FROM fact.sku_period AS current_period
    JOIN sku_name AS name ON name.product_key = current_period.product_key
    LEFT JOIN fact.sku_period AS previous_period
      ON previous_period.period_end_date_key = v_previous_period_key
     AND previous_period.shop_key = current_period.shop_key AND previous_period.product_key = current_period.product_key
    WHERE current_period.period_end_date_key = v_period_key
      AND current_period.tier IN ('loser', 'hero')
      AND (previous_period.tier <> current_period.tier
           OR EXISTS (SELECT 1 FROM fact.alert AS open_alert
                      WHERE open_alert.rule_code = 'tier_to_' || current_period.tier AND open_alert.resolved_on IS NULL
                        AND open_alert.shop_key = current_period.shop_key AND open_alert.product_key = current_period.product_key));

    -- 3. A hero or winner whose days of cover fall below lead time + safety days, with the restock quantity and its cost.
    INSERT INTO alert_candidate
    SELECT 'restock', 'sku', period.shop_key, period.product_key, 0, '',
           CASE period.tier WHEN 'hero' THEN 'high' ELSE 'warning' END,
           period.days_of_cover, period.avg_daily_units, lead.lead_time_days + v_safety_days, period.restock_units * cost.unit_cost,
           name.sku_label || ' (' || period.tier || ') has ' || CAST(period.days_of_cover AS varchar(30))
           || ' days of stock left, below lead time + safety of ' || CAST(lead.lead_time_days + v_safety_days AS varchar(10))
           || ' days; reorder ' || CAST(period.restock_units AS varchar(20)) || ' units'
           || CASE WHEN cost.unit_cost IS NOT NULL
                   THEN ' (' || CAST(CAST(period.restock_units * cost.unit_cost AS numeric(19,2)) AS varchar(30)) || ' at cost)' ELSE '' END
    FROM fact.sku_period AS period
    JOIN sku_name AS name ON name.product_key = period.product_key
    JOIN dim.product AS product ON product.product_key = period.product_key
    CROSS JOIN LATERAL (
        SELECT COALESCE((SELECT setting.lead_time_days FROM stg.cost_setting AS setting
                         WHERE setting.shop_id = product.shop_id AND setting.lead_time_days IS NOT NULL
                         ORDER BY setting.effective_from DESC LIMIT 1), v_lead_time_days) AS lead_time_days
    ) AS lead
    LEFT JOIN LATERAL (
        SELECT sku_cost.unit_cost FROM stg.sku_cost AS sku_cost
        WHERE sku_cost.shop_id = product.shop_id AND sku_cost.sku_id = product.sku_id AND sku_cost.effective_from <= v_as_of
        ORDER BY sku_cost.effective_from DESC LIMIT 1
    ) AS cost ON true
    WHERE period.period_end_date_key = v_period_key
      AND period.tier IN ('hero', 'winner')
      AND period.restock_units > 0;

    -- 4. Campaign spend of the latest day far from its window_total days: |z| >= threshold, compared
    --    squared and scaled by the number of days so no square root decides it:
    --    (n x - sum)^2 >= z^2 (n sumsq - sum^2).
    INSERT INTO alert_candidate
    WITH campaign AS (
        SELECT shop_key, head_key FROM campaign_spend WHERE days_back <= v_spike_days GROUP BY shop_key, head_key
    ),
    baseline AS (
        SELECT campaign.shop_key, campaign.head_key,
               CAST(v_spike_days AS numeric(19,4)) AS n,
               COALESCE(SUM(spend.spend), 0) AS total,
               COALESCE(SUM(spend.spend * spend.spend), 0) AS total_squares,
               COUNT(CASE WHEN spend.spend > 0 THEN 1 END) AS spend_days
        FROM campaign
        LEFT JOIN campaign_spend AS spend
          ON spend.shop_key = campaign.shop_key AND spend.head_key = campaign.head_key AND spend.days_back BETWEEN 1 AND v_spike_days
        GROUP BY campaign.shop_key, campaign.head_key
    ),
    scored AS (
        SELECT baseline.*, COALESCE(today.spend, 0) AS spend,
               baseline.total / baseline.n AS mean,
               baseline.n * baseline.total_squares - baseline.total * baseline.total AS scaled_variance
        FROM baseline
        LEFT JOIN campaign_spend AS today ON today.shop_key = baseline.shop_key AND today.head_key = baseline.head_key AND today.days_back = 0
    )
    SELECT 'campaign_spend_spike', 'campaign', scored.shop_key, 0, scored.head_key, '', 'warning',
           CAST((scored.n * scored.spend - scored.total) / sqrt(scored.scaled_variance) AS numeric(19,2)),
           CAST(scored.mean AS numeric(19,4)), v_spike_z, scored.spend - CAST(scored.mean AS numeric(19,4)),
           member.campaign_name || ' spent ' || CAST(CAST(scored.spend AS numeric(19,2)) AS varchar(30)) || ' on '
           || to_char(v_as_of, 'YYYY-MM-DD') || ' against ' || CAST(CAST(scored.mean AS numeric(19,2)) AS varchar(30))
           || ' a day over the last ' || CAST(v_spike_days AS varchar(10)) || ' days (z = '
           || CAST(CAST((scored.n * scored.spend - scored.total) / sqrt(scored.scaled_variance) AS numeric(19,1)) AS varchar(30))
           || '); check its budget and bids'
    FROM scored
    JOIN campaign_member AS member ON member.campaign_key = scored.head_key
    WHERE scored.spend > 0
      AND scored.spend_days >= v_spike_min_days
      AND scored.scaled_variance > 0
      AND (scored.n * scored.spend - scored.total) * (scored.n * scored.spend - scored.total) >= v_spike_z * v_spike_z * scored.scaled_variance;

    -- 5. A campaign that spent on each of the last days and nothing on the latest (its shop has spend that day, so the data is there).
    INSERT INTO alert_candidate
    WITH recent AS (
        SELECT shop_key, head_key, COUNT(CASE WHEN spend > 0 THEN 1 END) AS spend_days, SUM(spend) AS total
        FROM campaign_spend
        WHERE days_back BETWEEN 1 AND v_zero_days
        GROUP BY shop_key, head_key
    )
    SELECT 'campaign_to_zero', 'campaign', recent.shop_key, 0, recent.head_key, '', 'warning',
           0, CAST(recent.total / v_zero_days AS numeric(19,4)), 0, NULL,
           member.campaign_name || ' spent every day of the last ' || CAST(v_zero_days AS varchar(10)) || ' days ('
           || CAST(CAST(recent.total / v_zero_days AS numeric(19,2)) AS varchar(30)) || ' a day) and nothing on '
           || to_char(v_as_of, 'YYYY-MM-DD') || '; check its budget, payment method and ad approvals'
    FROM recent
    JOIN campaign_member AS member ON member.campaign_key = recent.head_key
    WHERE recent.spend_days = v_zero_days
      AND NOT EXISTS (SELECT 1 FROM campaign_spend AS today
                      WHERE today.shop_key = recent.shop_key AND today.head_key = recent.head_key AND today.days_back = 0 AND today.spend > 0)
      AND EXISTS (SELECT 1 FROM campaign_spend AS shop_today WHERE shop_today.shop_key = recent.shop_key AND shop_today.days_back = 0);

    -- 6. Spend without sales: a SKU or a campaign with spend above the floor and no attributed orders over the last days.
    INSERT INTO alert_candidate
    WITH window_total AS (
        SELECT daily.shop_key, daily.product_key, SUM(daily.ad_spend) AS ad_spend, SUM(daily.attributed_orders) AS attributed_orders
        FROM fact.sku_daily AS daily
        JOIN alert_day AS day ON day.date_key = daily.date_key AND day.days_back < v_no_sales_days
        WHERE daily.product_key <> 0
        GROUP BY daily.shop_key, daily.product_key
    )
    SELECT 'sku_spend_no_sales', 'sku', window_total.shop_key, window_total.product_key, 0, '', 'warning',
           0, window_total.ad_spend, v_no_sales_floor, window_total.ad_spend,
           name.sku_label || ' got ' || CAST(CAST(window_total.ad_spend AS numeric(19,2)) AS varchar(30)) || ' of ads in the last '
           || CAST(v_no_sales_days AS varchar(10)) || ' days and no attributed order; check its ad-to-product mapping and tracking'
    FROM window_total
    JOIN sku_name AS name ON name.product_key = window_total.product_key
    WHERE window_total.ad_spend > v_no_sales_floor AND window_total.attributed_orders = 0;

    INSERT INTO alert_candidate
    WITH window_total AS (
        SELECT shop_key, head_key, SUM(spend) AS spend
        FROM campaign_spend
        WHERE days_back < v_no_sales_days
        GROUP BY shop_key, head_key
    )
    SELECT 'campaign_spend_no_sales', 'campaign', window_total.shop_key, 0, window_total.head_key, '', 'warning',
           0, window_total.spend, v_no_sales_floor, window_total.spend,
           head.campaign_name || ' spent ' || CAST(CAST(window_total.spend AS numeric(19,2)) AS varchar(30)) || ' in the last '
           || CAST(v_no_sales_days AS varchar(10)) || ' days with no attributed order; check its ad-to-product mapping and tracking'
    FROM window_total
    JOIN campaign_member AS head ON head.campaign_key = window_total.head_key
    WHERE window_total.spend > v_no_sales_floor
      AND NOT EXISTS (
          SELECT 1
          FROM fact.order_line AS line
          JOIN campaign_member AS member ON member.campaign_key = line.campaign_key
          JOIN alert_day AS day ON day.date_key = line.date_key AND day.days_back < v_no_sales_days
          WHERE member.head_key = window_total.head_key AND line.is_revenue);

    -- 7. A hero whose contribution margin or blended ROAS of the latest day is down by more than a share of its
    --    trailing baseline (ratios of sums over the baseline days), decided multiplied out so no division decides it;
    --    only on a day of at least alert_hero_min_orders orders (one or two orders make a noisy margin).
    CREATE TEMP TABLE hero_day ON COMMIT DROP AS
    SELECT daily.shop_key, daily.product_key,
           SUM(CASE WHEN day.days_back = 0 THEN daily.orders ELSE 0 END) AS orders,
           SUM(CASE WHEN day.days_back = 0 THEN daily.net_revenue ELSE 0 END) AS net_revenue,
           SUM(CASE WHEN day.days_back = 0 THEN daily.contribution_before_ads ELSE 0 END) AS contribution,
           SUM(CASE WHEN day.days_back = 0 THEN daily.gmv ELSE 0 END) AS gmv,
           SUM(CASE WHEN day.days_back = 0 THEN daily.ad_spend ELSE 0 END) AS ad_spend,
           SUM(CASE WHEN day.days_back > 0 THEN daily.net_revenue ELSE 0 END) AS baseline_net_revenue,
           SUM(CASE WHEN day.days_back > 0 THEN daily.contribution_before_ads ELSE 0 END) AS baseline_contribution,
           SUM(CASE WHEN day.days_back > 0 THEN daily.gmv ELSE 0 END) AS baseline_gmv,
           SUM(CASE WHEN day.days_back > 0 THEN daily.ad_spend ELSE 0 END) AS baseline_ad_spend
    FROM fact.sku_daily AS daily
    JOIN alert_day AS day ON day.date_key = daily.date_key AND day.days_back <= v_hero_days
    JOIN fact.sku_period AS period
      ON period.period_end_date_key = v_period_key AND period.shop_key = daily.shop_key AND period.product_key = daily.product_key
     AND period.tier = 'hero'
    GROUP BY daily.shop_key, daily.product_key;

    INSERT INTO alert_candidate
    SELECT 'hero_margin_drop', 'sku', hero.shop_key, hero.product_key, 0, '', 'warning',
           ROUND(hero.contribution / hero.net_revenue, 4), ROUND(hero.baseline_contribution / hero.baseline_net_revenue, 4), v_hero_drop_share,
           ROUND(hero.baseline_contribution * hero.net_revenue / hero.baseline_net_revenue - hero.contribution, 2),
           name.sku_label || ' (hero) kept ' || CAST(CAST(hero.contribution AS numeric(19,2)) AS varchar(30)) || ' of '
           || CAST(CAST(hero.net_revenue AS numeric(19,2)) AS varchar(30)) || ' on ' || to_char(v_as_of, 'YYYY-MM-DD') || ', a '
           || CAST(CAST(100 * hero.contribution / hero.net_revenue AS numeric(19,1)) AS varchar(30)) || '% margin against '
           || CAST(CAST(100 * hero.baseline_contribution / hero.baseline_net_revenue AS numeric(19,1)) AS varchar(30)) || '% over the last '
           || CAST(v_hero_days AS varchar(10)) || ' days; check its price, discounts, refunds and costs'
    FROM hero_day AS hero
    JOIN sku_name AS name ON name.product_key = hero.product_key
    WHERE hero.orders >= v_hero_min_orders AND hero.net_revenue > 0 AND hero.baseline_net_revenue > 0 AND hero.baseline_contribution > 0
      AND hero.contribution * hero.baseline_net_revenue < (1 - v_hero_drop_share) * hero.baseline_contribution * hero.net_revenue;

    INSERT INTO alert_candidate
    SELECT 'hero_roas_drop', 'sku', hero.shop_key, hero.product_key, 0, '', 'warning',
           ROUND(hero.gmv / hero.ad_spend, 4), ROUND(hero.baseline_gmv / hero.baseline_ad_spend, 4), v_hero_drop_share,
           ROUND(hero.ad_spend - hero.gmv * hero.baseline_ad_spend / hero.baseline_gmv, 2),
           name.sku_label || ' (hero) sold ' || CAST(CAST(hero.gmv AS numeric(19,2)) AS varchar(30)) || ' on '
           || CAST(CAST(hero.ad_spend AS numeric(19,2)) AS varchar(30)) || ' of ads on ' || to_char(v_as_of, 'YYYY-MM-DD') || ', blended ROAS '
           || CAST(CAST(hero.gmv / hero.ad_spend AS numeric(19,2)) AS varchar(30)) || ' against '
           || CAST(CAST(hero.baseline_gmv / hero.baseline_ad_spend AS numeric(19,2)) AS varchar(30)) || ' over the last '
           || CAST(v_hero_days AS varchar(10)) || ' days; check its campaigns, bids and creatives'
    FROM hero_day AS hero
    JOIN sku_name AS name ON name.product_key = hero.product_key
    WHERE hero.orders >= v_hero_min_orders AND hero.ad_spend > 0 AND hero.baseline_ad_spend > 0 AND hero.baseline_gmv > 0
      AND hero.gmv * hero.baseline_ad_spend < (1 - v_hero_drop_share) * hero.baseline_gmv * hero.ad_spend;

    -- 8. Money checks per shop: unallocated spend share, settlement differences, a missing FX rate, stale sources.
    INSERT INTO alert_candidate
    WITH spend AS (
        SELECT allocated.shop_key, SUM(allocated.ad_spend) AS total,
               SUM(CASE WHEN allocated.product_key = 0 THEN allocated.ad_spend ELSE 0 END) AS unallocated
        FROM fact.sku_ad_spend AS allocated
        JOIN alert_day AS day ON day.date_key = allocated.date_key AND day.days_back < v_unallocated_days
        GROUP BY allocated.shop_key
    )
    SELECT 'unallocated_spend', 'shop', spend.shop_key, 0, 0, '', 'warning',
           CAST(spend.unallocated / spend.total AS numeric(19,4)), spend.total, v_unallocated_share, spend.unallocated,
           shop.shop_name || ': ' || CAST(CAST(spend.unallocated AS numeric(19,2)) AS varchar(30)) || ' of '
           || CAST(CAST(spend.total AS numeric(19,2)) AS varchar(30)) || ' ad spend in the last ' || CAST(v_unallocated_days AS varchar(10))
           || ' days (' || CAST(CAST(100 * spend.unallocated / spend.total AS numeric(19,1)) AS varchar(30))
           || '%) maps to no SKU; add the campaigns to the ad-to-product map'
    FROM spend
    JOIN dim.shop AS shop ON shop.shop_key = spend.shop_key
    WHERE spend.total > 0 AND spend.unallocated > v_unallocated_share * spend.total;

    INSERT INTO alert_candidate
    SELECT 'settlement_difference', 'shop', checked.shop_key, 0, 0, '', 'warning',
           SUM(checked.difference), COUNT(*), v_settlement_tolerance, SUM(ABS(checked.difference)),
           shop.shop_name || ': ' || CAST(COUNT(*) AS varchar(20)) || ' settled orders of the last ' || CAST(v_settlement_days AS varchar(10))
           || ' days differ from TikTok''s settlement by more than ' || CAST(CAST(v_settlement_tolerance AS numeric(19,2)) AS varchar(30))
           || ', ' || CAST(CAST(SUM(ABS(checked.difference)) AS numeric(19,2)) AS varchar(30)) || ' in all; see rpt.sku_settlement'
    FROM fact.settlement_check AS checked
    JOIN alert_day AS day ON day.date_key = checked.date_key AND day.days_back < v_settlement_days
    JOIN dim.shop AS shop ON shop.shop_key = checked.shop_key
    WHERE checked.is_flagged
    GROUP BY checked.shop_key, shop.shop_name;

    INSERT INTO alert_candidate
    SELECT 'missing_fx', 'shop', shop.shop_key, 0, 0, shop.currency, 'high', NULL, NULL, NULL, NULL,
           shop.shop_name || ': no ' || shop.currency || ' to ' || v_reporting_currency || ' rate on or before '
           || to_char(v_as_of, 'YYYY-MM-DD') || '; cross-shop totals leave this shop out until fx_rate has one'
    FROM dim.shop AS shop
    WHERE shop.shop_key <> 0 AND shop.currency <> v_reporting_currency
      AND EXISTS (SELECT 1 FROM fact.sku_daily AS daily WHERE daily.shop_key = shop.shop_key)
      AND NOT EXISTS (SELECT 1 FROM stg.fx_rate AS rate WHERE rate.currency = shop.currency AND rate.rate_date <= v_as_of);

    INSERT INTO alert_candidate
    WITH source_day AS (
        -- Each shop's latest day read backwards along the date index (a few rows), not by grouping every order line
        -- and settled order: a run's cost must not grow with the history it does not judge.
        SELECT 'orders' AS source_name, shop.shop_key, v_stale_days AS allowed_days,
               (SELECT MAX(line.date_key) FROM fact.order_line AS line WHERE line.shop_key = shop.shop_key) AS latest_date_key
        FROM dim.shop AS shop
        UNION ALL
        SELECT 'settlements', shop.shop_key, v_stale_settlement_days,
               (SELECT MAX(checked.date_key) FROM fact.settlement_check AS checked WHERE checked.shop_key = shop.shop_key)
        FROM dim.shop AS shop
        UNION ALL
        SELECT 'ad spend', shop_key, v_stale_days, MAX(date_key) FROM fact.ad_daily GROUP BY shop_key
    )
    SELECT 'stale_source', 'shop', source_day.shop_key, 0, 0, source_day.source_name, 'high',
           v_as_of - d.calendar_date, NULL, source_day.allowed_days, NULL,
           shop.shop_name || ': ' || source_day.source_name || ' end on ' || to_char(d.calendar_date, 'YYYY-MM-DD') || ', '
           || CAST(v_as_of - d.calendar_date AS varchar(10)) || ' days before ' || to_char(v_as_of, 'YYYY-MM-DD')
           || '; check the extract or the export of that source'
    FROM source_day
    JOIN dim.date AS d ON d.date_key = source_day.latest_date_key
    JOIN dim.shop AS shop ON shop.shop_key = source_day.shop_key
    WHERE source_day.shop_key <> 0 AND v_as_of - d.calendar_date > source_day.allowed_days;

    -- Episodes. Still true: the open episode takes the latest figures (a restated day updates it).
    UPDATE fact.alert AS alert
    SET date_key = v_as_of_key, last_seen_on = v_as_of, severity = candidate.severity, measured_value = candidate.measured_value,
        baseline_value = candidate.baseline_value, threshold_value = candidate.threshold_value, money_amount = candidate.money_amount,
        alert_message = candidate.message, etl_run_id = p_run_id
    FROM alert_candidate AS candidate
    WHERE alert.resolved_on IS NULL
      AND alert.rule_code = candidate.rule_code AND alert.shop_key = candidate.shop_key AND alert.product_key = candidate.product_key
      AND alert.campaign_key = candidate.campaign_key AND alert.subject = candidate.subject
      AND (alert.date_key, alert.measured_value, alert.baseline_value, alert.money_amount, alert.alert_message, alert.severity)
          IS DISTINCT FROM (v_as_of_key, candidate.measured_value, candidate.baseline_value, candidate.money_amount, candidate.message, candidate.severity);

    -- Resolved on this very day but true again (the day was restated back): the same episode reopens.
    UPDATE fact.alert AS alert
    SET resolved_on = NULL, date_key = v_as_of_key, last_seen_on = v_as_of, severity = candidate.severity,
        measured_value = candidate.measured_value, baseline_value = candidate.baseline_value, threshold_value = candidate.threshold_value,
        money_amount = candidate.money_amount, alert_message = candidate.message, etl_run_id = p_run_id
    FROM alert_candidate AS candidate
    WHERE alert.resolved_on = v_as_of
      AND alert.rule_code = candidate.rule_code AND alert.shop_key = candidate.shop_key AND alert.product_key = candidate.product_key
      AND alert.campaign_key = candidate.campaign_key AND alert.subject = candidate.subject
      AND NOT EXISTS (SELECT 1 FROM fact.alert AS open_alert
                      WHERE open_alert.resolved_on IS NULL AND open_alert.rule_code = alert.rule_code AND open_alert.shop_key = alert.shop_key
                        AND open_alert.product_key = alert.product_key AND open_alert.campaign_key = alert.campaign_key AND open_alert.subject = alert.subject);

    -- Newly true: a new episode starting on this day.
    INSERT INTO fact.alert (rule_code, subject_type, shop_key, product_key, campaign_key, subject, first_date_key, date_key, severity,
                            measured_value, baseline_value, threshold_value, money_amount, alert_message, opened_on, last_seen_on, resolved_on,
                            delivered_at, etl_run_id)
    SELECT candidate.rule_code, candidate.subject_type, candidate.shop_key, candidate.product_key, candidate.campaign_key, candidate.subject,
           v_as_of_key, v_as_of_key, candidate.severity, candidate.measured_value, candidate.baseline_value, candidate.threshold_value,
           candidate.money_amount, candidate.message, v_as_of, v_as_of, NULL, NULL, p_run_id
    FROM alert_candidate AS candidate
    WHERE NOT EXISTS (SELECT 1 FROM fact.alert AS alert
                      WHERE alert.rule_code = candidate.rule_code AND alert.shop_key = candidate.shop_key AND alert.product_key = candidate.product_key
                        AND alert.campaign_key = candidate.campaign_key AND alert.subject = candidate.subject
                        AND (alert.resolved_on IS NULL OR alert.first_date_key = v_as_of_key));
    GET DIAGNOSTICS p_rows_written = ROW_COUNT;

    -- No longer true: the episode is resolved on this day.
    UPDATE fact.alert AS alert
    SET resolved_on = v_as_of, etl_run_id = p_run_id
    WHERE alert.resolved_on IS NULL
      AND NOT EXISTS (SELECT 1 FROM alert_candidate AS candidate
                      WHERE alert.rule_code = candidate.rule_code AND alert.shop_key = candidate.shop_key AND alert.product_key = candidate.product_key
                        AND alert.campaign_key = candidate.campaign_key AND alert.subject = candidate.subject);
END;
$$;
