using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using CsvHelper;
using CsvHelper.Configuration;
using Warehouse.Database;

namespace Warehouse.Import;

/// <summary>
/// A seller's file as a header and rows of text, streamed: CSV through CsvHelper (UTF-8 with or
/// without BOM, or UTF-16 with BOM; anything else stops with one message) or the first sheet of
/// an XLSX through ClosedXML. Blank rows are skipped; row numbers are the file's own (header = 1).
/// </summary>
public sealed class ImportTable : IDisposable
{
    private readonly IDisposable owner;
    private readonly IEnumerator<(long Number, string[] Fields)> rows;

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

    public static ImportTable Open(string file)
    {
        if (!System.IO.File.Exists(file))
        {
            throw new WarehouseException($"{file}: file not found");
        }

        return Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".xlsx" => OpenWorkbook(file),
            ".csv" or ".txt" => OpenCsv(file),
            var other => throw new WarehouseException($"{file}: '{other}' files are not read; save it as CSV (UTF-8) or XLSX"),
        };
    }

    public void Dispose()
    {
        rows.Dispose();
        owner.Dispose();
    }

    private static ImportTable OpenCsv(string file)
    {
        var encoding = EncodingOf(file);
        var reader = new StreamReader(file, encoding, detectEncodingFromByteOrderMarks: true);
        var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, HasHeaderRecord = false, DetectColumnCountChanges = false });
        try
        {
            if (!csv.Read() || csv.Parser.Record is not { } header)
            {
                throw new WarehouseException($"{file}: line 1: the file is empty, expected a header row");
            }

            return new ImportTable(file, header, Read(csv), csv);
        }
        catch (DecoderFallbackException)
        {
            csv.Dispose();
            throw new WarehouseException($"{file}: the text is not UTF-8; save it as CSV UTF-8 (nothing loaded from this file)");
        }
    }

    private static IEnumerable<(long, string[])> Read(CsvReader csv)
    {
        while (ReadNext(csv))
        {
            yield return (csv.Parser.Row, csv.Parser.Record ?? []);
        }
    }

    private static bool ReadNext(CsvReader csv)
    {
        try
        {
            return csv.Read();
        }
        catch (DecoderFallbackException)
        {
            throw new WarehouseException($"the text is not UTF-8; save it as CSV UTF-8 (nothing loaded from this file)");
        }
    }

    /// <summary>A BOM says UTF-8 or UTF-16; without one the bytes must be valid UTF-8.</summary>
    private static Encoding EncodingOf(string file)
    {
        using var stream = System.IO.File.OpenRead(file);
        var head = new byte[4];
        var count = stream.Read(head, 0, 4);
        if (count >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF)))
        {
            return Encoding.Unicode; // the BOM picks the byte order
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    }

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
