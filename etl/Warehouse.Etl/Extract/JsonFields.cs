using System.Globalization;
using System.Text.Json;

namespace Warehouse.Extract;

/// <summary>Reads TikTok JSON as text the staging parser understands: strings as sent, numbers in invariant form.</summary>
public static class JsonFields
{
    /// <summary>The field as text, or null when it is missing or JSON null.</summary>
    public static string? Text(JsonElement item, string name)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    /// <summary>The field as text; a missing or empty field makes the page malformed.</summary>
    public static string Required(JsonElement item, string name, string request)
    {
        var text = Text(item, name);
        if (string.IsNullOrEmpty(text))
        {
            throw new MalformedPageException(request, $"a required field '{name}' is missing");
        }

        return text;
    }

    /// <summary>The object under the field; missing makes the page malformed.</summary>
    public static JsonElement RequiredObject(JsonElement item, string name, string request)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedPageException(request, $"a required object '{name}' is missing");
        }

        return value;
    }

    /// <summary>The array under the field, or none when TikTok left it out (as it does for empty pages).</summary>
    public static IEnumerable<JsonElement> List(JsonElement item, string name)
    {
        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value))
        {
            if (value.ValueKind == JsonValueKind.Array)
            {
                return value.EnumerateArray();
            }

            if (value.ValueKind != JsonValueKind.Null)
            {
                throw new FormatException($"'{name}' is not a list");
            }
        }

        return [];
    }

    /// <summary>A nested field such as refund_amount.refund_total.</summary>
    public static string? Nested(JsonElement item, string parent, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(parent, out var inner) ? Text(inner, name) : null;

    public static string Epoch(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
