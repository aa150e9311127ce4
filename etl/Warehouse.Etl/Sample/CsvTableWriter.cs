using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Warehouse.Sample;

/// <summary>
/// Writes one staging CSV: UTF-8 without BOM, "\n" line endings, RFC-4180 quoting, invariant
/// formats (money with 2 decimals, rates with up to 4, dates yyyy-MM-dd, times as epoch seconds).
/// A null is an empty field; an empty string is written quoted (<c>""</c>) so that loaders that
/// tell the two apart (PostgreSQL COPY) keep it as an empty string. Rows are written as they come.
/// </summary>
internal sealed class CsvTableWriter : IDisposable
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly CsvWriter _csv;
    private readonly int _columns;
    private int _fieldsInRow;

    public CsvTableWriter(string directory, TableSpec table)
    {
        Table = table;
        _columns = table.Columns.Count;
        var stream = new StreamWriter(Path.Combine(directory, table.FileName), append: false, Utf8NoBom, bufferSize: 1 << 16);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n", HasHeaderRecord = false };
        _csv = new CsvWriter(stream, config);
        foreach (var column in table.Columns) _csv.WriteField(column);
        _csv.NextRecord();
    }

    public TableSpec Table { get; }

    /// <summary>Data rows written so far (the header not counted).</summary>
    public long Rows { get; private set; }

    public CsvTableWriter Text(string? value)
    {
        if (value is null) _csv.WriteField(string.Empty, shouldQuote: false);
        else if (value.Length == 0) _csv.WriteField(string.Empty, shouldQuote: true);
        else _csv.WriteField(value);
        _fieldsInRow++;
        return this;
    }

    public CsvTableWriter Integer(long value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Epoch seconds, or an empty field for null.</summary>
    public CsvTableWriter Time(long? epochSeconds) =>
        Raw(epochSeconds?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);

    public CsvTableWriter Money(decimal amount)
    {
        var cents = Sample.Money.Cents(amount);
        if (cents == 0m) cents = 0m; // never "-0.00"
        return Raw(cents.ToString("0.00", CultureInfo.InvariantCulture));
    }

    public CsvTableWriter Rate(decimal rate) => Raw(Math.Round(rate, 4).ToString("0.0###", CultureInfo.InvariantCulture));

    public CsvTableWriter Bool(bool value) => Raw(value ? "true" : "false");

    public CsvTableWriter Date(DateOnly date) => Raw(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    public void EndRow()
    {
        if (_fieldsInRow != _columns)
            throw new InvalidOperationException($"{Table.Name}: a row has {_fieldsInRow} fields, the table has {_columns} columns.");
        _csv.NextRecord();
        _fieldsInRow = 0;
        Rows++;
    }

    public void Dispose() => _csv.Dispose();

    private CsvTableWriter Raw(string formatted)
    {
        _csv.WriteField(formatted, shouldQuote: false);
        _fieldsInRow++;
        return this;
    }
}
