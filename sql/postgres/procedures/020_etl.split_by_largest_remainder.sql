-- Profit model section 4: split each whole over its parts by weight, rounded to the cent with
-- the largest-remainder method, so the parts always sum to the whole exactly. A set whose
-- weights sum to zero splits equally. Negative wholes are split by their absolute value.
CREATE OR REPLACE PROCEDURE etl.split_by_largest_remainder(p_split_name varchar)
LANGUAGE plpgsql
AS $$
BEGIN
    WITH parts AS (
        SELECT whole_id,
               part_id,
               whole_amount,
               CASE WHEN whole_amount < 0 THEN -1 ELSE 1 END AS whole_sign,
               CASE WHEN SUM(weight) OVER (PARTITION BY whole_id) > 0 THEN weight ELSE 1 END AS effective_weight
        FROM etl.work_split
        WHERE split_name = p_split_name
    ),
    exact_shares AS (
        SELECT whole_id, part_id, whole_amount, whole_sign,
               -- rounded to 10 places so equal shares tie exactly, whatever precision the division kept
               ROUND(ABS(whole_amount) * effective_weight / SUM(effective_weight) OVER (PARTITION BY whole_id), 10) AS exact_share
        FROM parts
    ),
    floored AS (
        SELECT whole_id, part_id, whole_amount, whole_sign,
               FLOOR(exact_share * 100) / 100 AS floor_share,
               exact_share - FLOOR(exact_share * 100) / 100 AS remainder
        FROM exact_shares
    ),
    ranked AS (
        SELECT whole_id, part_id, whole_sign, floor_share,
               ROUND((ABS(whole_amount) - SUM(floor_share) OVER (PARTITION BY whole_id)) * 100) AS cents_left,
               ROW_NUMBER() OVER (PARTITION BY whole_id ORDER BY remainder DESC, part_id) AS remainder_rank
        FROM floored
    )
    UPDATE etl.work_split AS split
    SET part_amount = ranked.whole_sign * (ranked.floor_share + CASE WHEN ranked.remainder_rank <= ranked.cents_left THEN 0.01 ELSE 0 END)
    FROM ranked
    WHERE split.split_name = p_split_name
      AND split.whole_id = ranked.whole_id
      AND split.part_id = ranked.part_id;
END;
$$;
