using System.Globalization;
using System.Text;

namespace Warehouse.Import;

/// <summary>
/// Export values as sellers' files really carry them, made plain: money with currency symbols,
/// codes and thousands separators (<c>$1,234.50</c>, <c>-£3.00</c>, <c>(2.50)</c>), percentages,
/// and local times in the shop's declared format and time zone. Each says why when it cannot.
/// </summary>
public static class ImportValues
{
    /// <summary>A decimal in invariant text, or null for blank; throws <see cref="FormatException"/> with the reason.</summary>
    public static string? Money(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() is "-" or "--")
        {
            return null;
        }

        var plain = new StringBuilder();
        var negative = false;
        foreach (var c in text.Trim())
        {
            if (char.IsDigit(c) || c is '.' or ',')
            {
                plain.Append(c);
            }
            else if (c is '-' or '−' or '(')
            {
                negative = true;
            }
            else if (!(char.IsLetter(c) || char.IsWhiteSpace(c) || c is ')' or '+' || char.GetUnicodeCategory(c) == UnicodeCategory.CurrencySymbol))
            {
                throw new FormatException($"'{text}' is not an amount");
            }
        }

        var digits = plain.ToString();
        var lastDot = digits.LastIndexOf('.');
        var lastComma = digits.LastIndexOf(',');
        if (lastComma > lastDot && !(digits.Length - lastComma - 1 == 3 && lastDot < 0))
        {
            digits = digits.Replace(".", "", StringComparison.Ordinal).Replace(',', '.'); // 1.234,56 or 12,5
        }
        else
        {
            digits = digits.Replace(",", "", StringComparison.Ordinal); // 1,234.56 or 1,234
        }

        if (!decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"'{text}' is not an amount");
        }

        return (negative ? -value : value).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A whole number (thousands separators allowed).</summary>
    public static string? Count(string? text)
    {
        var amount = Money(text);
        if (amount is null)
        {
            return null;
        }

        var value = decimal.Parse(amount, CultureInfo.InvariantCulture);
        return value == decimal.Truncate(value) ? ((long)value).ToString(CultureInfo.InvariantCulture) : throw new FormatException($"'{text}' is not a whole number");
    }

    /// <summary>A rate: "6%" is 0.06, "0.06" stays.</summary>
    public static string? Rate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim();
        var isPercent = trimmed.EndsWith('%');
        var value = decimal.Parse(Money(trimmed.TrimEnd('%')) ?? "0", CultureInfo.InvariantCulture);
        return (isPercent ? value / 100m : value).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A day as yyyy-MM-dd from yyyy-MM-dd, yyyy/MM/dd or a date-time starting with one.</summary>
    public static string? Day(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var head = text.Trim();
        head = head.Length >= 10 ? head[..10] : head;
        return DateOnly.TryParseExact(head.Replace('/', '-'), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : throw new FormatException($"'{text}' is not a date (yyyy-MM-dd)");
    }

    /// <summary>A local shop time in the shop's declared format, as UTC epoch seconds.</summary>
    public static string? LocalTime(string? text, string format, TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!DateTime.TryParseExact(text.Trim(), format, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var local))
        {
            throw new FormatException($"'{text}' is not a time in the shop's format {format}");
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>ISO 8601 with an offset (2026-11-02T14:03:00-08:00) as UTC epoch seconds; an offset is required.</summary>
    public static string? IsoTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim();
        var hasOffset = trimmed.EndsWith('Z') || trimmed.Length > 19 && (trimmed[^6] is '+' or '-');
        return hasOffset && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)
            : throw new FormatException($"'{text}' is not an ISO 8601 time with an offset");
    }
}
