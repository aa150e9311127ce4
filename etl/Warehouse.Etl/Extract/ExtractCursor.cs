using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warehouse.Extract;

/// <summary>
/// Where a source's read stands: its window [From, To), and for an unfinished read the date chunk
/// (ad reports), the chunk length in days (halved on 40067) and the next page to fetch. Stored as
/// JSON in etl.watermark.cursor_state after every committed page.
/// </summary>
public sealed record ExtractCursor(
    [property: JsonPropertyName("from")] DateTimeOffset From,
    [property: JsonPropertyName("to")] DateTimeOffset To,
    [property: JsonPropertyName("chunk")] DateOnly? Chunk = null,
    [property: JsonPropertyName("step_days")] int? StepDays = null,
    [property: JsonPropertyName("page")] string? Page = null)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static ExtractCursor? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ExtractCursor>(json);
        }
        catch (JsonException)
        {
            return null; // an unreadable cursor: start the window again, upserts make that safe
        }
    }

    public DateOnly FromDay => DateOnly.FromDateTime(From.UtcDateTime);

    /// <summary>The last day of the window (To is exclusive).</summary>
    public DateOnly LastDay => DateOnly.FromDateTime(To.UtcDateTime).AddDays(-1);
}
