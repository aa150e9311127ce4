-- The profit model's settings as the transform uses them (etl.setting), for readers and the workbook.
DROP VIEW IF EXISTS rpt.setting;
GO

CREATE VIEW rpt.setting AS
SELECT setting.setting_name,
       setting.setting_value,
       setting.description
FROM etl.setting AS setting;
GO
