namespace Warehouse.Extract;

/// <summary>
/// What to extract: an explicit window of days (both optional), one shop only, and how far back a
/// first run reaches, and the first date step of ad reports (halved on 40067). Without dates a run re-reads each source's lookback before its watermark.
/// </summary>
public sealed record ExtractOptions(DateOnly? From = null, DateOnly? To = null, string? ShopId = null, int InitialDays = 365, int AdsDaysPerCall = MarketingExtractor.MaxDaysPerCall)
{
    public static readonly TimeSpan OrderLookback = TimeSpan.FromDays(45);
    public static readonly TimeSpan AdsLookback = TimeSpan.FromDays(8);
    public static readonly TimeSpan SettlementLookback = TimeSpan.FromDays(60);

    /// <summary>
    /// The window for a source: an unfinished earlier read of the same window resumes at its next page;
    /// otherwise from the given date, or the watermark minus the lookback, or <see cref="InitialDays"/> back.
    /// </summary>
    public ExtractCursor WindowFor(Watermark watermark, TimeSpan lookback, DateTimeOffset now)
    {
        var to = new DateTimeOffset((To ?? DateOnly.FromDateTime(now.UtcDateTime)).AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var stored = ExtractCursor.FromJson(watermark.Cursor);
        DateTimeOffset? from = From is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
        if (stored is not null && ((From is null && To is null) || (stored.From == from && stored.To == to)))
        {
            return stored;
        }

        var start = from ?? (watermark.HighWaterMark is { } mark ? mark - lookback : to.AddDays(-InitialDays));
        return new ExtractCursor(start < to ? start : to, to);
    }
}
