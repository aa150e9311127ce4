using System.Security.Cryptography;
using System.Text;

namespace Warehouse.Extract;

/// <summary>
/// TikTok Shop Open API request signing: every query parameter except <c>sign</c> and
/// <c>access_token</c> (empty ones dropped), sorted by key (ordinal), concatenated as key+value;
/// <c>message = app_secret + path + parameters + body + app_secret</c> (the body only for
/// non-GET requests, the exact bytes sent); <c>sign = lowercase hex HMAC-SHA256(app_secret, message)</c>.
/// </summary>
public static class ShopApiSignature
{
    public static string Sign(string appSecret, string path, IEnumerable<KeyValuePair<string, string>> query, ReadOnlySpan<byte> body)
    {
        var text = new StringBuilder(appSecret).Append(path);
        foreach (var (key, value) in query
            .Where(p => p.Key is not ("sign" or "access_token") && !string.IsNullOrEmpty(p.Value))
            .OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append(value);
        }

        var head = Encoding.UTF8.GetBytes(text.ToString());
        var tail = Encoding.UTF8.GetBytes(appSecret);
        var message = new byte[head.Length + body.Length + tail.Length];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        tail.CopyTo(message, head.Length + body.Length);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), message));
    }

    /// <summary>Compares two signatures in constant time.</summary>
    public static bool Matches(string expected, string? actual) =>
        actual is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual));
}
