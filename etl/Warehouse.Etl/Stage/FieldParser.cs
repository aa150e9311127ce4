using System.Globalization;

namespace Warehouse.Stage;

/// <summary>
/// Turns one text field into the value of a staging column, or says why it cannot. The staging format is strict:
/// decimals are digits with an optional leading sign and one <c>.</c> (no thousands separators, no exponent) with at
/// most as many places as the column keeps (4 for money, 6 for rates, 8 for an FX rate); a value must fit its column (numeric(19,4), integer, bigint) and its domain
/// (<see cref="StagingDomains"/>), so nothing out of range ever reaches the database.
/// </summary>
public static class FieldParser
{
    private const NumberStyles WholeNumber = NumberStyles.AllowLeadingSign;
    private const NumberStyles PlainDecimal = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    public static bool TryParse(string? text, StagingColumn column, out object? value, out string? error)
    {
        value = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            if (column.IsNullable || column.Kind == ColumnKind.Text && column.IsKey)
            {
                value = column.IsNullable ? null : "";
                return true;
            }

            error = "a value is required";
            return false;
        }

        var trimmed = text.Trim();
        switch (column.Kind)
        {
            case ColumnKind.Integer when int.TryParse(trimmed, WholeNumber, CultureInfo.InvariantCulture, out var i):
                value = i;
                return InDomain(i, column, out error);
            case ColumnKind.BigInteger when long.TryParse(trimmed, WholeNumber, CultureInfo.InvariantCulture, out var l):
                value = l;
                return InDomain(l, column, out error);
            case ColumnKind.Decimal when decimal.TryParse(trimmed, PlainDecimal, CultureInfo.InvariantCulture, out var d) && decimal.Round(d, column.Scale ?? 4) == d:
                value = d;
                return InRange(d, column, out error) && InDomain(d, column, out error);
            case ColumnKind.Date when DateOnly.TryParseExact(trimmed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date):
                value = date;
                if (date < StagingDomains.FirstDay || date > StagingDomains.LastDay)
                {
                    error = "not a plausible date (2000-01-01 to 2099-12-31)";
                    return false;
                }

                return true;
            case ColumnKind.Boolean when trimmed is "true" or "TRUE" or "True" or "1":
                value = true;
                return true;
            case ColumnKind.Boolean when trimmed is "false" or "FALSE" or "False" or "0":
                value = false;
                return true;
            case ColumnKind.Text when text.Contains('\0'):
                error = "text with a NUL character (a binary or UTF-16 file read as text?)";
                return false;
            case ColumnKind.Text when column.Name.Equals("currency", StringComparison.OrdinalIgnoreCase):
                // Compared with other currencies and the reporting currency: stored as ISO 4217 spells it ('usd ' is USD),
                // so no engine's collation decides whether two spellings are one currency.
                var code = trimmed.ToUpperInvariant();
                if (code.Length != 3 || !code.All(char.IsAsciiLetterUpper))
                {
                    error = $"'{trimmed}' is not a currency code (three letters, ISO 4217: USD, GBP, IDR)";
                    return false;
                }

                value = code;
                return true;
            case ColumnKind.Text when column.MaxLength is null || text.Length <= column.MaxLength:
                value = text;
                return true;
            case ColumnKind.Text:
                error = $"longer than {column.MaxLength} characters";
                return false;
            default:
                error = column.Kind switch
                {
                    ColumnKind.Decimal when IsPlainNumber(trimmed) && trimmed.Length > 20 => $"outside the range of numeric({column.Precision ?? 19},{column.Scale ?? 4})",
                    ColumnKind.Decimal => $"not a decimal number with at most {column.Scale ?? 4} decimals ('.' as the decimal point, no thousands separators)",
                    ColumnKind.Date => "not a date (yyyy-MM-dd)",
                    ColumnKind.Boolean => "not true or false",
                    ColumnKind.Integer when IsPlainNumber(trimmed) && !trimmed.Contains('.') => "outside the range of a whole number (integer, ±2,147,483,647)",
                    ColumnKind.BigInteger when IsPlainNumber(trimmed) && !trimmed.Contains('.') => "outside the range of a whole number (bigint)",
                    _ => "not a whole number",
                };
                return false;
        }
    }

    /// <summary>Whether a decimal fits its column: numeric(p,s) holds values below 10^(p-s).</summary>
    private static bool InRange(decimal value, StagingColumn column, out string? error)
    {
        error = null;
        var integerDigits = (column.Precision ?? 19) - (column.Scale ?? 4);
        if (integerDigits < 28 && Math.Abs(value) >= Pow10(integerDigits))
        {
            error = $"outside the range of numeric({column.Precision ?? 19},{column.Scale ?? 4})";
            return false;
        }

        return true;
    }

    private static bool InDomain(decimal value, StagingColumn column, out string? error)
    {
        error = column.Domain is { } domain && !domain.Contains(value) ? domain.Reason : null;
        return error is null;
    }

    private static readonly decimal[] Powers = [.. Enumerable.Range(0, 28).Select(e => Enumerable.Repeat(10m, e).Aggregate(1m, (a, b) => a * b))];

    private static decimal Pow10(int exponent) => Powers[Math.Max(exponent, 0)];

    private static bool IsPlainNumber(string text) =>
        text.Length > 0 && text.AsSpan(text[0] is '-' or '+' ? 1 : 0).ContainsAnyExcept("0123456789.") is false;
}
