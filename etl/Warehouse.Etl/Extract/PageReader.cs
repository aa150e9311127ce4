using System.Text.Json;

namespace Warehouse.Extract;

/// <summary>Runs a page reader; a field of the wrong shape makes the page malformed (and so retried, then rejected).</summary>
internal static class PageReader
{
    public static T ReadPage<T>(Func<JsonElement, string, T> read, JsonElement data, string request)
    {
        try
        {
            return read(data, request);
        }
        catch (Exception error) when (error is FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new MalformedPageException(request, error.Message, data.GetRawText());
        }
    }
}
