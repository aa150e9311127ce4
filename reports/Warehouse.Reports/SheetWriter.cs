using ClosedXML.Excel;

namespace Warehouse.Reports;

/// <summary>Cell writing shared by the sheets: inert text, explicit formats, widths without System.Drawing.</summary>
internal static class SheetWriter
{
    public const string Money = "#,##0.00;[Red]-#,##0.00";
    public const string Integer = "#,##0";
    public const string Percent = "0.0%;[Red]-0.0%";
    public const string Ratio = "0.00";
    public const string Days = "0.0";
    public const string Date = "yyyy-mm-dd";
    public const string FxRate = "0.0000####";

    private static readonly XLColor HeaderFill = XLColor.FromHtml("#DDEBF7");

    /// <summary>
    /// Writes text that came from outside (TikTok titles, names, reasons) as a plain string. It is
    /// never parsed as a formula; text that a spreadsheet would read as one when edited (=, +, -, @)
    /// also gets the quote prefix so it stays inert when someone edits the cell.
    /// </summary>
    public static IXLCell Text(this IXLCell cell, string? text)
    {
        var value = text ?? "";
        cell.SetValue(value);
        cell.DataType = XLDataType.Text;
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            cell.Style.IncludeQuotePrefix = true;
        }

        return cell;
    }

    public static IXLCell Number(this IXLCell cell, decimal value, string format = Money)
    {
        cell.SetValue(value);
        cell.Style.NumberFormat.Format = format;
        return cell;
    }

    public static IXLCell Number(this IXLCell cell, decimal? value, string format)
    {
        if (value is { } number)
        {
            cell.SetValue(number);
        }

        cell.Style.NumberFormat.Format = format;
        return cell;
    }

    public static IXLCell Formula(this IXLCell cell, string formula, string? format = Money)
    {
        cell.FormulaA1 = formula;
        if (format is not null)
        {
            cell.Style.NumberFormat.Format = format;
        }

        return cell;
    }

    public static IXLCell Label(this IXLCell cell, string text, bool bold = false)
    {
        cell.Text(text);
        cell.Style.Font.Bold = bold;
        return cell;
    }

    public static void Title(IXLWorksheet sheet, string title, string subtitle)
    {
        sheet.Cell(1, 1).Label(title, bold: true).Style.Font.FontSize = 14;
        sheet.Cell(2, 1).Text(subtitle).Style.Font.Italic = true;
    }

    public static void Header(IXLWorksheet sheet, int row, int column, params string[] headers)
    {
        for (var i = 0; i < headers.Length; i++)
        {
            var cell = sheet.Cell(row, column + i).Text(headers[i]);
            cell.Style.Font.Bold = true;
            cell.Style.Fill.BackgroundColor = HeaderFill;
        }
    }

    /// <summary>Column letters of a 1-based index: 1 = A, 27 = AA.</summary>
    public static string Letter(int column)
    {
        var letters = "";
        for (var n = column; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }

        return letters;
    }

    public static string PeriodText(ReportRequest request) =>
        $"{request.From:yyyy-MM-dd} to {request.To:yyyy-MM-dd} ({request.Label}), {(request.ShopId is null ? "all shops" : "shop " + request.ShopId)}";
}

/// <summary>A column of a sheet's table: a value from the row's record, or a formula over the row's own cells; optionally wrapped text.</summary>
internal sealed record SheetColumn<T>(string Key, string Header, double Width, string? Format, Func<T, object?>? Value = null, Func<Func<string, string>, string>? Formula = null, bool Wrap = false);

/// <summary>
/// Writes records as rows under a header, one column spec per column; formulas refer to other columns by key.
/// ClosedXML writes the header and the first row; the other rows are streamed into the saved file
/// (<see cref="BulkRows"/>) with the same values, formulas and styles.
/// </summary>
internal sealed class SheetTable<T>(IReadOnlyList<SheetColumn<T>> columns)
{
    private readonly BulkColumn[] bulkColumns = columns.Select(c => new BulkColumn(c.Format, c.Wrap)).ToArray();

    public IReadOnlyList<SheetColumn<T>> Columns => columns;

    public int Count => columns.Count;

    public int IndexOf(string key)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Key == key)
            {
                return i + 1;
            }
        }

        throw new ArgumentException($"no column '{key}'", nameof(key));
    }

    public string LetterOf(string key) => SheetWriter.Letter(IndexOf(key));

    /// <summary>Header at <paramref name="headerRow"/>, rows below; returns the last row written (the header's when there are none).</summary>
    public int Write(IXLWorksheet sheet, int headerRow, IReadOnlyList<T> rows, BulkRows bulk)
    {
        SheetWriter.Header(sheet, headerRow, 1, columns.Select(c => c.Header).ToArray());
        var firstRow = headerRow + 1;
        if (rows.Count > 0)
        {
            WriteRow(sheet, firstRow, rows[0]);
        }

        var lastRow = headerRow + rows.Count;
        for (var i = 0; i < columns.Count; i++)
        {
            sheet.Column(i + 1).Width = Math.Max(sheet.Column(i + 1).Width, columns[i].Width);
            if (columns[i].Format is { } format && rows.Count > 0)
            {
                sheet.Cell(firstRow, i + 1).Style.NumberFormat.Format = format;
            }

            if (columns[i].Wrap)
            {
                sheet.Cell(firstRow, i + 1).Style.Alignment.WrapText = true;
            }
        }

        if (rows.Count > 1)
        {
            bulk.Add(new Block(this, sheet.Name, firstRow + 1, rows));
        }

        return lastRow;
    }

    private void WriteRow(IXLWorksheet sheet, int row, T item)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            var cell = sheet.Cell(row, i + 1);
            if (column.Formula is not null)
            {
                cell.FormulaA1 = column.Formula(key => $"{LetterOf(key)}{row}");
                continue;
            }

            switch (column.Value?.Invoke(item))
            {
                case null:
                    break;
                case string text:
                    cell.Text(text);
                    break;
                case decimal number:
                    cell.SetValue(number);
                    break;
                case int number:
                    cell.SetValue(number);
                    break;
                case long number:
                    cell.SetValue(number);
                    break;
                case bool flag:
                    cell.Text(flag ? "yes" : "no");
                    break;
                case DateTime date:
                    cell.SetValue(date);
                    break;
                case var other:
                    cell.Text(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    /// <summary>The same cells as <see cref="WriteRow"/>, streamed.</summary>
    private void WriteRow(RowWriter writer, int row, T item)
    {
        writer.StartRow(row);
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            var number = i + 1;
            if (column.Formula is not null)
            {
                writer.Formula(number, column.Formula(key => $"{LetterOf(key)}{row}"));
                continue;
            }

            switch (column.Value?.Invoke(item))
            {
                case null:
                    if (column.Format is not null || column.Wrap)
                    {
                        writer.Empty(number);
                    }

                    break;
                case string text:
                    writer.Text(number, text);
                    break;
                case decimal value:
                    writer.Number(number, value);
                    break;
                case int value:
                    writer.Number(number, value);
                    break;
                case long value:
                    writer.Number(number, value);
                    break;
                case bool flag:
                    writer.Text(number, flag ? "yes" : "no");
                    break;
                case DateTime date:
                    writer.Number(number, date.ToOADate());
                    break;
                case var other:
                    writer.Text(number, Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }

        writer.EndRow();
    }

    /// <summary>
    /// An Excel table with filters over the header and rows (an empty row when there are none), header frozen.
    /// ClosedXML creates it over the header and the first row (the rows it holds); the file's table spans them all.
    /// </summary>
    public IXLTable AsTable(IXLWorksheet sheet, int headerRow, int lastRow, string name, BulkRows bulk)
    {
        var table = sheet.Range(headerRow, 1, headerRow + 1, columns.Count).CreateTable(name);
        table.ShowAutoFilter = true;
        table.Theme = XLTableTheme.TableStyleLight9;
        sheet.SheetView.FreezeRows(headerRow);
        if (lastRow > headerRow + 1)
        {
            bulk.ExtendTable(sheet.Name, name, $"A{headerRow}:{SheetWriter.Letter(columns.Count)}{lastRow}");
        }

        return table;
    }

    private sealed class Block(SheetTable<T> table, string sheetName, int firstRow, IReadOnlyList<T> rows) : IBulkBlock
    {
        public string SheetName => sheetName;

        public int FirstRow => firstRow;

        public int LastRow => firstRow + rows.Count - 2;

        public IReadOnlyList<BulkColumn> Columns => table.bulkColumns;

        public void WriteRows(RowWriter writer)
        {
            for (var i = 1; i < rows.Count; i++)
            {
                table.WriteRow(writer, firstRow + i - 1, rows[i]);
            }
        }
    }
}
