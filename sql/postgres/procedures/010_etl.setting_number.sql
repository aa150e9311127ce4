-- A numeric setting from etl.setting (the profit model's defaults).
CREATE OR REPLACE FUNCTION etl.setting_number(p_setting_name varchar)
RETURNS numeric(19,6)
LANGUAGE sql STABLE
AS $$
    SELECT CAST(setting_value AS numeric(19,6)) FROM etl.setting WHERE setting_name = p_setting_name;
$$;
