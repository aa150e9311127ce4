-- Shops: new ones appear, renamed ones update.
CREATE OR REPLACE PROCEDURE etl.load_dim_shop(p_run_id bigint, INOUT p_rows_written bigint DEFAULT 0)
LANGUAGE plpgsql
AS $$
DECLARE
    v_updated bigint;
BEGIN
    UPDATE dim.shop AS target
    SET shop_name = source.shop_name, region = source.region, currency = source.currency,
        time_zone = source.time_zone, etl_run_id = p_run_id
    FROM stg.shop AS source
    WHERE target.shop_id = source.shop_id
      AND (target.shop_name, target.region, target.currency, target.time_zone)
          IS DISTINCT FROM (source.shop_name, source.region, source.currency, source.time_zone);
    GET DIAGNOSTICS v_updated = ROW_COUNT;

    INSERT INTO dim.shop (shop_id, shop_name, region, currency, time_zone, etl_run_id)
    SELECT source.shop_id, source.shop_name, source.region, source.currency, source.time_zone, p_run_id
    FROM stg.shop AS source
    WHERE NOT EXISTS (SELECT 1 FROM dim.shop AS target WHERE target.shop_id = source.shop_id)
    ORDER BY source.shop_id;
    GET DIAGNOSTICS p_rows_written = ROW_COUNT;
    p_rows_written := p_rows_written + v_updated;
END;
$$;
