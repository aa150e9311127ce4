-- A numeric setting from etl.setting (the profit model's defaults).
DROP FUNCTION IF EXISTS etl.setting_number;
GO

CREATE FUNCTION etl.setting_number(@p_setting_name nvarchar(100))
RETURNS decimal(19,6)
AS
BEGIN
    RETURN (SELECT CAST(setting_value AS decimal(19,6)) FROM etl.setting WHERE setting_name = @p_setting_name);
END;
GO
