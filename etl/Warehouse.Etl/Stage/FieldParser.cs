using System.Globalization;

namespace Warehouse.Stage;

/// <summary>Turns one text field into the value of a staging column, or says why it cannot.</summary>
public static class FieldParser
{
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
            case ColumnKind.Integer when int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i):
                value = i;
                return true;
            case ColumnKind.BigInteger when long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                value = l;
                return true;
            case ColumnKind.Decimal when decimal.TryParse(trimmed, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) && decimal.Round(d, 4) == d:
                value = d;
                return true;
            case ColumnKind.Date when DateOnly.TryParseExact(trimmed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date):
                value = date;
                return true;
            case ColumnKind.Boolean when trimmed is "true" or "TRUE" or "True" or "1":
                value = true;
                return true;
            case ColumnKind.Boolean when trimmed is "false" or "FALSE" or "False" or "0":
                value = false;
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
                    ColumnKind.Decimal => "not a decimal number with at most 4 decimals",
                    ColumnKind.Date => "not a date (yyyy-MM-dd)",
                    ColumnKind.Boolean => "not true or false",
                    _ => "not a whole number",
                };
                return false;
        }
    }
}
