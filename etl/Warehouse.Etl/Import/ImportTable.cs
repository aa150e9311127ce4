using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using CsvHelper;
using CsvHelper.Configuration;
using Warehouse.Database;
using Warehouse.Stage;

namespace Warehouse.Import;

/// <summary>
/// A seller's file as a header and rows of text, streamed: CSV through CsvHelper (decoded as
/// <see cref="TextEncoding"/> says: a BOM, else strict UTF-8, else the declared encoding; anything else stops with
/// one message naming the byte) or the first sheet of an XLSX through ClosedXML. Blank rows are skipped; row
/// numbers are the file's own (header = 1). <see cref="ProblemOf"/> says when a row is cut short or a quote is never closed.
/// </summary>
public sealed class ImportTable : IDisposable
{
    private readonly IDisposable owner;
    private readonly IEnumerator<(long Number, string[] Fields)> rows;
    private string? badQuote;

    private ImportTable(string file, string[] header, IEnumerable<(long, string[])> rows, IDisposable owner)
    {
        File = file;
        Header = header.Select(h => h.Trim().TrimStart('\uFEFF').Trim()).ToArray();
        this.rows = rows.GetEnumerator();
        this.owner = owner;
    }

    public string File { get; }

    public IReadOnlyList<string> Header { get; }

    public IEnumerable<(long Number, string[] Fields)> Rows
    {
        get
        {
            while (rows.MoveNext())
            {
                if (rows.Current.Fields.Any(f => !string.IsNullOrWhiteSpace(f)))
                {
                    yield return rows.Current;
                }
            }
        }
    }

    /// <summary>
    /// Why the row last read cannot be trusted, as (column, reason): a quoted field never closed (the file ends inside
    /// it), fewer fields than the header (a line cut short), or more non-blank ones; null for a sound row.
    /// </summary>
    public (string Column, string Reason)? ProblemOf(string[] fields)
    {
        if (badQuote is { } quote)
        {
            var index = Array.FindLastIndex(fields, f => f.Length > 0 && quote.Contains(f.Trim('"', '\r', '\n'), StringComparison.Ordinal));
            return (Header[Math.Clamp(index < 0 ? fields.Length - 1 : index, 0, Header.Count - 1)],
                $"'{Shorten(quote)}' opens a quote that is never closed (the file ends inside it, or a quote is missing)");
        }

        if (fields.Length < Header.Count)
        {
            var missing = Header[fields.Length];
            return (missing, $"the row has {fields.Length} of the header's {Header.Count} fields (a line cut short?); '{missing}' and the columns after it are missing");
        }

        return fields.Skip(Header.Count).Any(f => !string.IsNullOrWhiteSpace(f))
            ? (Header[^1], $"the row has {fields.Length} fields, the header {Header.Count} (an unquoted comma?)")
            : null;
    }

    public static ImportTable Open(string file) => Open(file, encoding: null);

    /// <summary>Opens a CSV (decoded with a declared <paramref name="encoding"/> only when it is not UTF-8) or XLSX file.</summary>
    public static ImportTable Open(string file, string? encoding)
    {
        if (!System.IO.File.Exists(file))
        {
            throw new WarehouseException($"{file}: file not found");
        }

        return Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".xlsx" => OpenWorkbook(file),
            ".csv" or ".txt" => OpenCsv(file, encoding),
            var other => throw new WarehouseException($"{file}: '{other}' files are not read; save it as CSV (UTF-8) or XLSX"),
        };
    }

    public void Dispose()
    {
        rows.Dispose();
        owner.Dispose();
    }

    private static ImportTable OpenCsv(string file, string? declared)
    {
        var encoding = TextEncoding.Detect(file, declared);
        var reader = new StreamReader(file, encoding, detectEncodingFromByteOrderMarks: false);
        ImportTable? table = null;
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            DetectColumnCountChanges = false,
            // A quote inside an unquoted field (6.1" screen) is read as text, as exports write it; a quoted field that is
            // never closed swallows the rest of the file and is the row's problem.
            BadDataFound = bad =>
            {
                if (table is not null && bad.Field.StartsWith('"') && bad.Field.Count(c => c == '"') % 2 == 1)
                {
                    table.badQuote ??= bad.Field;
                }
            },
        };
        var csv = new CsvReader(reader, configuration);
        try
        {
            if (!csv.Read() || csv.Parser.Record is not { } header)
            {
                throw new WarehouseException($"{file}: line 1: the file is empty, expected a header row");
            }

            return table = new ImportTable(file, header, Read(csv, $"{file}: the text is not valid {encoding.WebName} (nothing loaded from this file)", () => table!.badQuote = null), csv);
        }
        catch (DecoderFallbackException)
        {
            csv.Dispose();
            throw new WarehouseException($"{file}: the text is not {encoding.WebName}; save it as CSV UTF-8 (nothing loaded from this file)");
        }
    }

    private static IEnumerable<(long, string[])> Read(CsvReader csv, string undecodable, Action nextRow)
    {
        while (true)
        {
            nextRow();
            try
            {
                if (!csv.Read())
                {
                    yield break;
                }
            }
            catch (DecoderFallbackException)
            {
                throw new WarehouseException(undecodable);
            }

            yield return (csv.Parser.Row, csv.Parser.Record ?? []);
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text.TrimEnd('\r', '\n') : text[..200];

    private static ImportTable OpenWorkbook(string file)
    {
        var workbook = new XLWorkbook(file);
        var sheet = workbook.Worksheets.First();
        var used = sheet.RangeUsed();
        if (used is null)
        {
            workbook.Dispose();
            throw new WarehouseException($"{file}: the first sheet is empty, expected a header row");
        }

        var firstColumn = used.FirstColumn().ColumnNumber();
        var lastColumn = used.LastColumn().ColumnNumber();
        string[] Cells(IXLRow row) => Enumerable.Range(firstColumn, lastColumn - firstColumn + 1).Select(c => CellText(row.Cell(c))).ToArray();
        var headerRow = used.FirstRow().WorksheetRow();
        var rows = sheet.Rows(headerRow.RowNumber() + 1, used.LastRow().RowNumber()).Select(r => ((long)r.RowNumber(), Cells(r)));
        return new ImportTable(file, Cells(headerRow), rows, workbook);
    }

    /// <summary>Numbers in invariant form, dates as ISO text, everything else as shown.</summary>
    private static string CellText(IXLCell cell) => cell.DataType switch
    {
        XLDataType.Number => cell.GetDouble().ToString("0.############", CultureInfo.InvariantCulture),
        XLDataType.DateTime => cell.GetDateTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ => cell.GetString(),
    };
}
