namespace Warehouse.Import;

/// <summary>One row of a seller's file, read by header name (any of a column's documented aliases, case-insensitive).</summary>
public sealed class ImportRow(IReadOnlyDictionary<string, int> columns, string[] fields)
{
    public bool Has(params string[] names) => names.Any(columns.ContainsKey);

    public string? Text(params string[] names)
    {
        foreach (var name in names)
        {
            if (columns.TryGetValue(name, out var index))
            {
                return index < fields.Length && !string.IsNullOrWhiteSpace(fields[index]) ? fields[index].Trim() : null;
            }
        }

        return null;
    }

    public string Required(params string[] names) => Text(names) ?? throw new ImportRowException(names[0], "a value is required");

    public string? Money(params string[] names) => Convert(names, ImportValues.Money);

    public string? Count(params string[] names) => Convert(names, ImportValues.Count);

    public string? Rate(params string[] names) => Convert(names, ImportValues.Rate);

    public string? Day(params string[] names) => Convert(names, ImportValues.Day);

    public string? IsoTime(params string[] names) => Convert(names, ImportValues.IsoTime);

    public string? LocalTime(ImportContext context, params string[] names) =>
        Convert(names, text => ImportValues.LocalTime(text, context.DateFormat!, context.TimeZone!));

    /// <summary>The column's name as the file spells it (for rejects).</summary>
    public string NameOf(params string[] names) => names.FirstOrDefault(columns.ContainsKey) ?? names[0];

    private string? Convert(string[] names, Func<string?, string?> convert)
    {
        try
        {
            return convert(Text(names));
        }
        catch (FormatException error)
        {
            throw new ImportRowException(NameOf(names), error.Message);
        }
    }
}
