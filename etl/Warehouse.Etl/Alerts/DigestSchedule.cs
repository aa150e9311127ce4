namespace Warehouse.Alerts;

/// <summary>
/// When a shop's daily digest is due: once its own local clock (its time zone in dim.shop) has reached the configured
/// digest time, once per local day. A time a daylight-saving jump skips is due at the first minute after the jump;
/// a time it repeats goes out at the first pass only.
/// </summary>
public static class DigestSchedule
{
    /// <summary>The shop's local day whose digest is due at <paramref name="now"/>, or null when it is not (yet) due.</summary>
    public static DateOnly? DueDay(DateTimeOffset now, TimeZoneInfo shopZone, TimeOnly digestTime, DateOnly? lastDigestDay)
    {
        ArgumentNullException.ThrowIfNull(shopZone);
        var local = TimeZoneInfo.ConvertTime(now, shopZone).DateTime;
        var today = DateOnly.FromDateTime(local);
        if (TimeOnly.FromDateTime(local) < digestTime)
        {
            return null;
        }

        return lastDigestDay is { } last && last >= today ? null : today;
    }
}
