using System.Text.RegularExpressions;

namespace Warehouse.Control;

/// <summary>
/// Masks secrets (passwords, tokens, app secrets, and the user:password part of every URL, as in
/// http://user:pw@host/...) in text bound for logs or etl.run.arguments.
/// </summary>
public static partial class SecretMasker
{
    /// <summary>
    /// The userinfo of a URL: scheme://userinfo@host. Greedy up to the last @ before the path, so a
    /// password with a raw @ in it is masked whole; no / ? # or space can be inside userinfo.
    /// </summary>
    [GeneratedRegex(@"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\s""'<>]+@")]
    private static partial Regex UrlUserInfoPattern();

    [GeneratedRegex(@"(?i)((?:password|pwd|app[_-]?secret|access[_-]?token|refresh[_-]?token|secret|token)\s*[=:]\s*|--(?:password|app-secret|access-token|token)\s+)(""[^""]*""|'[^']*'|[^;\s&""']+)")]
    private static partial Regex SecretPattern();

    public static string Mask(string text) =>
        SecretPattern().Replace(UrlUserInfoPattern().Replace(text, match => match.Groups[1].Value + "***@"), match => match.Groups[1].Value + "***");
}
