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
    /// <summary>What <see cref="Money"/> accepts, for its error messages.</summary>
    public const string MoneyShape = "an amount as a spreadsheet shows one (digits, one decimal separator, thousands separators in their places, a currency symbol or code, a sign or parentheses)";

    /// <summary>Integer digits numeric(19,4), the type of every staged amount, holds.</summary>
    private const int MaxIntegerDigits = 15;

    private static readonly string[] LetterSymbols = ["RM", "Rp", "kr"];

    /// <summary>
    /// A decimal in invariant text, or null for blank; throws <see cref="FormatException"/> with the reason. Accepts only
    /// what a spreadsheet shows as money: ASCII digits; at most one decimal separator (<c>.</c> or <c>,</c>: the last
    /// of the two when both appear; a lone comma followed by exactly three digits groups thousands, as before);
    /// thousands separators (<c>,</c> <c>.</c> space, no-break space, apostrophe) only between groups of three; one
    /// currency symbol or code before or after (<c>$</c>, <c>US$</c>, <c>£</c>, <c>RM</c>, <c>USD</c>); one sign
    /// (<c>-</c>, <c>−</c>, <c>+</c>) before or after the symbol, or parentheses. Anything else (<c>1e308</c>,
    /// letters or a second separator inside the digits) is refused rather than read as some other number, and so is
    /// a value with more than 15 integer digits (outside numeric(19,4)).
    /// </summary>
    public static string? Money(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() is "-" or "--")
        {
            return null;
        }

        var rest = text.Trim();
        var negative = false;
        if (rest.StartsWith('(') && rest.EndsWith(')'))
        {
            negative = true;
            rest = rest[1..^1].Trim();
        }

        var hasSign = negative;
        var hasCurrency = false;
        for (var peeled = true; peeled;)
        {
            peeled = false;
            if (!hasSign && rest.Length > 0 && rest[0] is '-' or '−' or '+')
            {
                negative = rest[0] != '+';
                hasSign = peeled = true;
                rest = rest[1..].TrimStart();
            }
            else if (!hasCurrency && CurrencyPrefix(rest) is > 0 and var length)
            {
                hasCurrency = peeled = true;
                rest = rest[length..].TrimStart();
            }
        }

        if (!hasCurrency && CurrencySuffix(rest) is > 0 and var suffix)
        {
            rest = rest[..^suffix].TrimEnd();
        }

        var number = Number(rest) ?? throw new FormatException($"'{text}' is not {MoneyShape}");
        if (number.IntegerDigits > MaxIntegerDigits)
        {
            throw new FormatException($"'{text}' is outside the range of numeric(19,4) (at most {MaxIntegerDigits} digits before the decimal separator)");
        }

        var value = decimal.Parse(number.Plain, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return (negative && value != 0 ? -value : value).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The length of a currency code or symbol opening <paramref name="text"/>, or 0.</summary>
    private static int CurrencyPrefix(string text)
    {
        var letters = 0;
        while (letters < text.Length && letters < 4 && char.IsAsciiLetter(text[letters]))
        {
            letters++;
        }

        if (letters <= 3 && letters < text.Length && char.GetUnicodeCategory(text[letters]) == UnicodeCategory.CurrencySymbol)
        {
            return letters + 1; // $, US$, HK$, R$
        }

        var word = text[..letters];
        return letters == 3 && word.All(char.IsAsciiLetterUpper) || LetterSymbols.Contains(word) ? letters : 0; // USD 12.50, RM 12.50
    }

    /// <summary>The length of a currency code or symbol closing <paramref name="text"/>, or 0.</summary>
    private static int CurrencySuffix(string text)
    {
        if (text.Length > 0 && char.GetUnicodeCategory(text[^1]) == UnicodeCategory.CurrencySymbol)
        {
            return 1; // 12,50 €
        }

        var letters = 0;
        while (letters < text.Length && letters < 4 && char.IsAsciiLetter(text[^(letters + 1)]))
        {
            letters++;
        }

        var word = text[^letters..];
        return letters == 3 && word.All(char.IsAsciiLetterUpper) || LetterSymbols.Contains(word) ? letters : 0; // 12.50 USD
    }

    /// <summary>Digits with their separators as invariant text, or null when they are not in a spreadsheet's places.</summary>
    private static (string Plain, int IntegerDigits)? Number(string text)
    {
        if (text.Length == 0 || text.Any(c => !(char.IsAsciiDigit(c) || c is '.' or ',' or ' ' or '\u00A0' or '\u202F' or '\'')))
        {
            return null;
        }

        var lastDot = text.LastIndexOf('.');
        var lastComma = text.LastIndexOf(',');
        var dots = text.Count(c => c == '.');
        var commas = text.Count(c => c == ',');
        int decimalAt;
        if (dots > 0 && commas > 0)
        {
            decimalAt = Math.Max(lastDot, lastComma);
            if ((text[decimalAt] == '.' ? dots : commas) > 1)
            {
                return null;
            }
        }
        else if (dots > 1 || commas > 1)
        {
            decimalAt = -1; // 1.234.567 or 1,234,567
        }
        else if (commas == 1)
        {
            var head = text[..lastComma];
            var isThousands = text.Length - lastComma - 1 == 3 && head.Length is >= 1 and <= 3 && head.All(char.IsAsciiDigit) && head != "0";
            decimalAt = isThousands ? -1 : lastComma; // 1,234 or 12,5
        }
        else
        {
            decimalAt = lastDot; // 12.5, or -1
        }

        var integer = decimalAt < 0 ? text : text[..decimalAt];
        var fraction = decimalAt < 0 ? "" : text[(decimalAt + 1)..];
        if (decimalAt >= 0 && (fraction.Length == 0 || !fraction.All(char.IsAsciiDigit)))
        {
            return null;
        }

        var groups = integer.Split(['.', ',', ' ', '\u00A0', '\u202F', '\''], StringSplitOptions.None);
        var separators = integer.Where(c => !char.IsAsciiDigit(c)).Distinct().Count();
        var grouped = groups.Length == 1 || separators == 1 && groups[0].Length is >= 1 and <= 3 && groups.Skip(1).All(g => g.Length == 3);
        if (!grouped || integer.Length == 0 && fraction.Length == 0)
        {
            return null;
        }

        var digits = string.Concat(groups).TrimStart('0');
        return ((digits.Length == 0 ? "0" : digits) + (fraction.Length > 0 ? "." + fraction : ""), digits.Length);
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
