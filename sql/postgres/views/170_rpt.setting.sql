-- The profit model's settings as the transform uses them (etl.setting), for readers and the workbook.
CREATE OR REPLACE VIEW rpt.setting AS
SELECT setting.setting_name,
       setting.setting_value,
       setting.description
FROM etl.setting AS setting;
