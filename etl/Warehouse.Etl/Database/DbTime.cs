namespace Warehouse.Database;

/// <summary>Timestamps as either provider returns them.</summary>
public static class DbTime
{
    /// <summary>A timestamptz (Npgsql: DateTime in UTC) or datetimeoffset (SqlClient) as a DateTimeOffset.</summary>
    public static DateTimeOffset? Utc(object? value) => value switch
    {
        DateTimeOffset offset => offset,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, time.Kind == DateTimeKind.Local ? DateTimeKind.Local : DateTimeKind.Utc)),
        _ => null,
    };
}
