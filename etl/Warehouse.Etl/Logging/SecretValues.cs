using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Warehouse.Control;

namespace Warehouse.Logging;

/// <summary>
/// The secrets this process knows (passwords inside connection strings, app secrets, tokens, API keys,
/// SMTP passwords) as literal values, so that every log line can have them replaced by *** even where
/// no "password=" prefix gives them away. Patterns (<see cref="SecretMasker"/>) catch the rest.
/// </summary>
public static class SecretValues
{
    private static readonly ConcurrentDictionary<string, byte> Values = new(StringComparer.Ordinal);

    /// <summary>Configuration keys whose last segment names a secret: their values are secrets.</summary>
    /// <remarks>Not "pwd": the shell's PWD and OLDPWD are folders, not passwords (Pwd= in a connection string is read below).</remarks>
    // An incoming webhook URL (Slack, Teams) is itself the credential: whoever has it can post.
    private static readonly string[] SecretKeyWords = ["password", "passwd", "secret", "token", "apikey", "api_key", "api-key", "webhookurl"];

    /// <summary>Secrets shorter than this are not masked by value (too many false hits); patterns still mask them.</summary>
    public const int MinimumLength = 4;

    public static void Add(string? secret)
    {
        if (!string.IsNullOrEmpty(secret) && secret.Length >= MinimumLength && secret != "***")
        {
            Values.TryAdd(secret, 0);
        }
    }

    /// <summary>Every secret in a configuration: values of secret-named keys and passwords inside connection strings.</summary>
    public static void AddFrom(IConfiguration configuration)
    {
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            var name = key[(key.LastIndexOf(':') + 1)..].ToLowerInvariant();
            if (SecretKeyWords.Any(word => name.Contains(word, StringComparison.Ordinal)))
            {
                Add(value);
            }

            if (value.Contains('=', StringComparison.Ordinal) && value.Contains(';', StringComparison.Ordinal))
            {
                AddFromConnectionString(value);
            }
        }
    }

    public static void AddFromConnectionString(string connectionString)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (var key in new[] { "password", "pwd" })
            {
                if (builder.TryGetValue(key, out var value))
                {
                    Add(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
        catch (ArgumentException)
        {
            // not a connection string
        }
    }

    /// <summary>The text with every known secret value and every secret pattern replaced by ***.</summary>
    public static string Mask(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var secret in Values.Keys)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return SecretMasker.Mask(text);
    }
}
