using System.Text.RegularExpressions;

namespace Warehouse.Control;

/// <summary>Masks secrets (passwords, tokens, app secrets) in text bound for logs or etl.run.arguments.</summary>
public static partial class SecretMasker
{
    [GeneratedRegex(@"(?i)((?:password|pwd|app[_-]?secret|access[_-]?token|refresh[_-]?token|secret|token)\s*[=:]\s*|--(?:password|app-secret|access-token|token)\s+)(""[^""]*""|'[^']*'|[^;\s&""']+)")]
    private static partial Regex SecretPattern();

    public static string Mask(string text) => SecretPattern().Replace(text, match => match.Groups[1].Value + "***");
}
