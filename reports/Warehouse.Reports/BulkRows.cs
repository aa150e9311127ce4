using System.Globalization;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Warehouse.Reports;

/// <summary>
/// The bulk of the workbook's table rows, written straight into the saved file with an XmlWriter
/// instead of through ClosedXML's cell model. ClosedXML 0.95 keeps an object per cell and builds
/// the whole sheet again as an OpenXML DOM when it saves: for a 5,000-SKU week that was most of the
/// report's time and ~500 MB. ClosedXML still writes everything else (titles, headers, the first
/// row of every table, totals, tables, filters, conditional formats, widths, page setup); the rows
/// after the first are streamed into its sheets afterwards with the same styles (number formats,
/// quote prefix for text that looks like a formula, wrapping), the same formulas and the same values.
/// </summary>
internal sealed class BulkRows
{
    private readonly List<IBulkBlock> blocks = [];
    private readonly List<(string Sheet, string Table, string Reference)> tables = [];

    public void Add(IBulkBlock block) => blocks.Add(block);

    /// <summary>A table ClosedXML created over its header and first row, to span <paramref name="reference"/> in the file.</summary>
    public void ExtendTable(string sheet, string table, string reference) => tables.Add((sheet, table, reference));

    /// <summary>Streams the rows into the workbook ClosedXML saved at <paramref name="path"/>.</summary>
    public void WriteInto(string path)
    {
        if (blocks.Count == 0 && tables.Count == 0)
        {
            return;
        }

        using var document = SpreadsheetDocument.Open(path, true);
        var workbookPart = document.WorkbookPart ?? throw new InvalidOperationException($"{path} has no workbook part");
        var stylesheet = workbookPart.WorkbookStylesPart?.Stylesheet ?? throw new InvalidOperationException($"{path} has no styles part");
        var styles = new StyleIndex(stylesheet);
        foreach (var sheetBlocks in blocks.GroupBy(b => b.SheetName, StringComparer.Ordinal))
        {
            var ordered = sheetBlocks.OrderBy(b => b.FirstRow).ToList();
            var columnStyles = ordered.Select(b => ColumnStyles.Of(b.Columns, styles)).ToList();
            Rewrite(WorksheetPartOf(workbookPart, sheetBlocks.Key), ordered, columnStyles);
        }

        foreach (var (sheet, name, reference) in tables)
        {
            var table = WorksheetPartOf(workbookPart, sheet).TableDefinitionParts
                .Select(p => p.Table)
                .Single(t => t.Name?.Value == name);
            table.Reference = reference;
            if (table.AutoFilter is { } filter)
            {
                filter.Reference = reference;
            }

            table.Save();
        }

        stylesheet.Save();

        // ClosedXML's calculation chain lists only the formulas it wrote; the chain is optional
        // (Excel rebuilds it), an incomplete one is not.
        if (workbookPart.CalculationChainPart is { } chain)
        {
            workbookPart.DeletePart(chain);
        }
    }

    private static WorksheetPart WorksheetPartOf(WorkbookPart workbookPart, string name)
    {
        var sheet = workbookPart.Workbook.Sheets?.Elements<Sheet>().Single(s => s.Name?.Value == name)
            ?? throw new InvalidOperationException($"no sheet '{name}'");
        return (WorksheetPart)workbookPart.GetPartById(sheet.Id?.Value ?? throw new InvalidOperationException($"sheet '{name}' has no part"));
    }

    /// <summary>
    /// Writes the sheet again: ClosedXML's elements as they are, its rows merged in order with the
    /// streamed ones, the dimension widened to the last streamed row. The part is read as text, never
    /// through WorksheetPart.Worksheet, so the package does not save a stale DOM over it on close.
    /// </summary>
    private static void Rewrite(WorksheetPart part, IReadOnlyList<IBulkBlock> sheetBlocks, IReadOnlyList<ColumnStyles> columnStyles)
    {
        string text;
        using (var reader = new StreamReader(part.GetStream(FileMode.Open, FileAccess.Read), Encoding.UTF8))
        {
            text = reader.ReadToEnd();
        }

        if (text.StartsWith("<?xml", StringComparison.Ordinal))
        {
            text = text[(text.IndexOf("?>", StringComparison.Ordinal) + 2)..];
        }

        var root = new Worksheet(text);
        var lastRow = sheetBlocks.Max(b => b.LastRow);
        var lastColumn = sheetBlocks.Max(b => b.Columns.Count);

        using var stream = part.GetStream(FileMode.Create, FileAccess.Write);
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        xml.WriteStartDocument(true);
        xml.WriteStartElement(root.Prefix, root.LocalName, root.NamespaceUri);
        foreach (var (prefix, uri) in root.NamespaceDeclarations)
        {
            xml.WriteAttributeString("xmlns", prefix, null, uri);
        }

        foreach (var attribute in root.GetAttributes())
        {
            xml.WriteAttributeString(attribute.Prefix, attribute.LocalName, attribute.NamespaceUri, attribute.Value);
        }

        foreach (var child in root.ChildElements)
        {
            switch (child)
            {
                case SheetDimension dimension:
                    xml.WriteStartElement(dimension.Prefix, dimension.LocalName, dimension.NamespaceUri);
                    xml.WriteAttributeString("ref", Widen(dimension.Reference?.Value, lastRow, lastColumn));
                    xml.WriteEndElement();
                    break;
                case SheetData data:
                    WriteSheetData(xml, data, sheetBlocks, columnStyles);
                    break;
                default:
                    child.WriteTo(xml);
                    break;
            }
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteSheetData(XmlWriter xml, SheetData data, IReadOnlyList<IBulkBlock> sheetBlocks, IReadOnlyList<ColumnStyles> columnStyles)
    {
        xml.WriteStartElement(data.Prefix, data.LocalName, data.NamespaceUri);
        var existing = data.Elements<Row>().ToList();
        var next = 0;
        for (var b = 0; b < sheetBlocks.Count; b++)
        {
            var block = sheetBlocks[b];
            while (next < existing.Count && RowIndex(existing[next]) < block.FirstRow)
            {
                existing[next++].WriteTo(xml);
            }

            if (next < existing.Count && RowIndex(existing[next]) <= block.LastRow)
            {
                throw new InvalidOperationException(
                    $"row {RowIndex(existing[next])} was written by ClosedXML and is also one of the streamed rows {block.FirstRow}-{block.LastRow}");
            }

            block.WriteRows(new RowWriter(xml, data.Prefix, data.NamespaceUri, block.Columns.Count, columnStyles[b]));
        }

        while (next < existing.Count)
        {
            existing[next++].WriteTo(xml);
        }

        xml.WriteEndElement();
    }

    private static uint RowIndex(Row row) => row.RowIndex?.Value ?? throw new InvalidOperationException("a row without its index");

    /// <summary>A1:AE4 widened to the last streamed row and column: A1:AE4139.</summary>
    private static string Widen(string? reference, int lastRow, int lastColumn)
    {
        var (endColumn, endRow) = (lastColumn, lastRow);
        var end = reference?.Split(':') is [_, var last] ? last : reference;
        if (end is { Length: > 0 })
        {
            var letters = new string(end.TakeWhile(char.IsLetter).ToArray());
            if (int.TryParse(end[letters.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var row))
            {
                endRow = Math.Max(endRow, row);
            }

            endColumn = Math.Max(endColumn, ColumnNumber(letters));
        }

        return $"A1:{SheetWriter.Letter(endColumn)}{endRow}";
    }

    private static int ColumnNumber(string letters) => letters.Aggregate(0, (n, c) => n * 26 + (char.ToUpperInvariant(c) - 'A' + 1));

    /// <summary>The cellXfs index of each column's cells, with and without the quote prefix.</summary>
    internal sealed record ColumnStyles(uint[] Plain, uint[] Quoted)
    {
        public static ColumnStyles Of(IReadOnlyList<BulkColumn> columns, StyleIndex styles) => new(
            columns.Select(c => styles.Get(c.Format, c.Wrap, quotePrefix: false)).ToArray(),
            columns.Select(c => styles.Get(c.Format, c.Wrap, quotePrefix: true)).ToArray());
    }

    /// <summary>
    /// Finds (or adds) the cell format ClosedXML gives a cell of the default font, fill and border
    /// with a number format, wrapping and the quote prefix: the same entries its own cells use.
    /// </summary>
    internal sealed class StyleIndex(Stylesheet stylesheet)
    {
        private readonly Dictionary<(string? Format, bool Wrap, bool Quote), uint> cache = [];

        public uint Get(string? format, bool wrap, bool quotePrefix)
        {
            if (cache.TryGetValue((format, wrap, quotePrefix), out var cached))
            {
                return cached;
            }

            var numberFormat = NumberFormatId(format);
            var formats = stylesheet.CellFormats ?? throw new InvalidOperationException("the styles part has no cellXfs");
            var list = formats.Elements<CellFormat>().ToList();
            var index = list.FindIndex(xf =>
                (xf.NumberFormatId?.Value ?? 0) == numberFormat && (xf.FontId?.Value ?? 0) == 0 && (xf.FillId?.Value ?? 0) == 0
                && (xf.BorderId?.Value ?? 0) == 0 && (xf.QuotePrefix?.Value ?? false) == quotePrefix
                && (xf.Alignment?.WrapText?.Value ?? false) == wrap);
            if (index < 0)
            {
                var xf = list.Count > 0 ? (CellFormat)list[0].CloneNode(true) : new CellFormat { FontId = 0, FillId = 0, BorderId = 0 };
                (xf.FontId, xf.FillId, xf.BorderId) = (0u, 0u, 0u);
                xf.NumberFormatId = numberFormat;
                xf.ApplyNumberFormat = true;
                xf.QuotePrefix = quotePrefix ? true : null;
                if (wrap || xf.Alignment is not null)
                {
                    xf.Alignment ??= new Alignment();
                    xf.Alignment.WrapText = wrap;
                    xf.ApplyAlignment = true;
                }

                formats.Append(xf);
                formats.Count = (uint)(list.Count + 1);
                index = list.Count;
            }

            return cache[(format, wrap, quotePrefix)] = (uint)index;
        }

        private uint NumberFormatId(string? format)
        {
            if (format is null)
            {
                return 0;
            }

            var formats = stylesheet.NumberingFormats;
            if (formats is null)
            {
                formats = new NumberingFormats();
                stylesheet.PrependChild(formats);
            }

            var all = formats.Elements<NumberingFormat>().ToList();
            if (all.FirstOrDefault(f => f.FormatCode?.Value == format) is { NumberFormatId: { } id })
            {
                return id.Value;
            }

            var next = Math.Max(163u, all.Select(f => f.NumberFormatId?.Value ?? 0).DefaultIfEmpty(0u).Max()) + 1;
            formats.Append(new NumberingFormat { NumberFormatId = next, FormatCode = format });
            formats.Count = (uint)(all.Count + 1);
            return next;
        }
    }
}

/// <summary>What a streamed column's cells look like: number format (null: General) and wrapping.</summary>
internal sealed record BulkColumn(string? Format, bool Wrap);

/// <summary>Consecutive rows of one sheet, from <see cref="FirstRow"/> to <see cref="LastRow"/>, streamed into the saved file.</summary>
internal interface IBulkBlock
{
    string SheetName { get; }

    int FirstRow { get; }

    int LastRow { get; }

    IReadOnlyList<BulkColumn> Columns { get; }

    void WriteRows(RowWriter writer);
}

/// <summary>Writes SpreadsheetML rows and cells: text inline (never a formula), numbers, formulas, styled empty cells.</summary>
internal sealed class RowWriter(XmlWriter xml, string prefix, string ns, int columns, BulkRows.ColumnStyles styles)
{
    private readonly string[] letters = Enumerable.Range(1, columns).Select(SheetWriter.Letter).ToArray();
    private readonly string spans = $"1:{columns}";
    private string row = "";

    public void StartRow(int number)
    {
        row = number.ToString(CultureInfo.InvariantCulture);
        xml.WriteStartElement(prefix, "row", ns);
        xml.WriteAttributeString("r", row);
        xml.WriteAttributeString("spans", spans);
    }

    public void EndRow() => xml.WriteEndElement();

    /// <summary>Text from outside stays text; text a spreadsheet would read as a formula when edited gets the quote prefix.</summary>
    public void Text(int column, string? text)
    {
        var value = text ?? "";
        var quoted = value.Length > 0 && value[0] is '=' or '+' or '-' or '@';
        StartCell(column, quoted ? styles.Quoted[column - 1] : styles.Plain[column - 1]);
        xml.WriteAttributeString("t", "inlineStr");
        xml.WriteStartElement(prefix, "is", ns);
        xml.WriteStartElement(prefix, "t", ns);
        if (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || value.Contains('\n', StringComparison.Ordinal)))
        {
            xml.WriteAttributeString("xml", "space", null, "preserve");
        }

        xml.WriteString(value);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    public void Number(int column, decimal value) => Value(column, value.ToString("0.############################", CultureInfo.InvariantCulture));

    public void Number(int column, long value) => Value(column, value.ToString(CultureInfo.InvariantCulture));

    public void Number(int column, double value) => Value(column, value.ToString("R", CultureInfo.InvariantCulture));

    public void Formula(int column, string formula)
    {
        StartCell(column, styles.Plain[column - 1]);
        xml.WriteElementString(prefix, "f", ns, formula);
        xml.WriteEndElement();
    }

    /// <summary>A cell without a value that still carries its column's format (as ClosedXML writes a formatted empty cell).</summary>
    public void Empty(int column)
    {
        StartCell(column, styles.Plain[column - 1]);
        xml.WriteEndElement();
    }

    private void Value(int column, string value)
    {
        StartCell(column, styles.Plain[column - 1]);
        xml.WriteElementString(prefix, "v", ns, value);
        xml.WriteEndElement();
    }

    private void StartCell(int column, uint style)
    {
        xml.WriteStartElement(prefix, "c", ns);
        xml.WriteAttributeString("r", letters[column - 1] + row);
        if (style != 0)
        {
            xml.WriteAttributeString("s", style.ToString(CultureInfo.InvariantCulture));
        }
    }
}
