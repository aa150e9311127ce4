-- The traffic-source dimension (profit model section 2): organic, paid ads, affiliate; 0 = unknown.
CREATE OR REPLACE VIEW rpt.dim_traffic_source AS
SELECT source.traffic_source_key,
       source.traffic_source,
       CASE source.traffic_source
            WHEN 'organic' THEN 'Organic'
            WHEN 'paid_ads' THEN 'Paid ads'
            WHEN 'affiliate' THEN 'Affiliate'
            ELSE 'Unknown' END AS traffic_source_name,
       source.description
FROM dim.traffic_source AS source;
