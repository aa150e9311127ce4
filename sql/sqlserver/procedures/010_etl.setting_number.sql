-- A numeric setting from etl.setting (the profit model's defaults).
DROP FUNCTION IF EXISTS etl.setting_number;
GO

CREATE FUNCTION etl.setting_number(@p_setting_name nvarchar(100))
RETURNS decimal(19,6)
AS
BEGIN
    -- A value in exponent notation ('1e-3') reads as PostgreSQL's numeric cast reads it; decimal refuses it. Anything
    -- else that is not a number still fails the plain cast, naming the value.
    RETURN (SELECT COALESCE(TRY_CAST(setting_value AS decimal(19,6)),
                            CAST(TRY_CAST(CASE WHEN setting_value LIKE N'%[eE]%' THEN setting_value END AS float) AS decimal(19,6)),
                            CAST(setting_value AS decimal(19,6)))
            FROM etl.setting WHERE setting_name = @p_setting_name);
END;
GO
