using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Warehouse.Sandbox;

/// <summary>Staging rows back into TikTok's JSON types: ids and money as strings, times as numbers, flags as booleans.</summary>
internal static class SandboxJson
{
    /// <summary>Copies columns as strings (TikTok sends money and ids as strings); empty stays an empty string.</summary>
    public static JsonObject Strings(Dictionary<string, string> row, params string[] columns)
    {
        var json = new JsonObject();
        foreach (var column in columns)
        {
            json[column] = row[column];
        }

        return json;
    }

    /// <summary>Epoch seconds as a JSON number; a missing time is left out, as TikTok does.</summary>
    public static void Time(JsonObject json, Dictionary<string, string> row, string column, string? name = null)
    {
        if (row[column] is { Length: > 0 } text)
        {
            json[name ?? column] = long.Parse(text, CultureInfo.InvariantCulture);
        }
    }

    public static bool Bool(string text) => text == "true";

    public static JsonArray Array(IEnumerable<JsonNode> items) => new([.. items]);

    /// <summary>An opaque page token (TikTok's are opaque too): the offset of the next item.</summary>
    public static string Token(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"sandbox:{offset}"));

    public static int? Offset(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("sandbox:", StringComparison.Ordinal) && int.TryParse(text[8..], CultureInfo.InvariantCulture, out var offset) ? offset : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
