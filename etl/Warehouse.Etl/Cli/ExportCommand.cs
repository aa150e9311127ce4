using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Dapper;
using Serilog;
using Warehouse.Database;

namespace Warehouse.Cli;

/// <summary>
/// `warehouse export VIEW --out FILE.csv`: one rpt view as CSV for tools that prefer files. UTF-8
/// without BOM, a header of the view's column names, RFC 4180 quoting, invariant formats ('.'
/// decimals as stored, dates yyyy-MM-dd, times ISO 8601, true/false), empty = null. Values are
/// written as they are; --spreadsheet-safe prefixes text that a spreadsheet would run as a
/// formula (=, +, -, @) with an apostrophe.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var view = new Argument<string>("view") { Description = "An rpt view, e.g. sku_profit or rpt.sku_profit" };
        var output = new Option<string?>("--out") { Description = "CSV path (default: <view>.csv)" };
        var safe = new Option<bool>("--spreadsheet-safe") { Description = "Prefix text starting with =, +, - or @ with an apostrophe" };
        var command = new Command("export", "Write one rpt view as CSV") { view, output, safe };
        command.SetAction(async parse =>
        {
            var name = ViewName(parse.GetValue(view)!);
            var path = parse.GetValue(output) ?? $"{name}.csv";
            var context = new CliContext();
            var rows = await RunAsync(context, name, path, parse.GetValue(safe));
            Console.WriteLine($"csv: {Path.GetFullPath(path)} ({rows:N0} rows)");
        });
        return command;
    }

    /// <summary>The export as the command runs it: schema checked, never changed; a warehouse_reader login can run it.</summary>
    public static Task<long> RunAsync(CliContext context, string view, string path, bool spreadsheetSafe = false) =>
        context.ReadAsync("export", $"{view} --out {path}", (connection, _) => ExportAsync(connection, view, path, spreadsheetSafe));

    /// <summary>The bare view name of rpt.x or x; anything else is refused before it reaches SQL.</summary>
    public static string ViewName(string text)
    {
        var name = text.StartsWith("rpt.", StringComparison.OrdinalIgnoreCase) ? text[4..] : text;
        if (name.Length == 0 || !name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_'))
        {
            throw new WarehouseException($"export: '{text}' is not an rpt view name (lower case letters, digits and _)");
        }

        return name;
    }

    /// <summary>Writes the view and returns the number of data rows; all of it read in one snapshot.</summary>
    public static Task<long> ExportAsync(DbConnection connection, string view, string path, bool spreadsheetSafe = false) =>
        SnapshotRead.RunAsync(connection, () => ExportInSnapshotAsync(connection, view, path, spreadsheetSafe));

    private static async Task<long> ExportInSnapshotAsync(DbConnection connection, string view, string path, bool spreadsheetSafe)
    {
        var views = (await connection.QueryAsync<string>(
            "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA = 'rpt' ORDER BY TABLE_NAME")).ToList();
        if (!views.Contains(view, StringComparer.Ordinal))
        {
            throw new WarehouseException($"export: no view rpt.{view}; the rpt views are: {string.Join(", ", views)}");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM rpt.{view}";
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync();
        await using var stream = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        await using var csv = new CsvWriter(stream, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" });
        for (var i = 0; i < reader.FieldCount; i++)
        {
            csv.WriteField(reader.GetName(i));
        }

        await csv.NextRecordAsync();
        long rows = 0;
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                csv.WriteField(Format(reader.IsDBNull(i) ? null : reader.GetValue(i), spreadsheetSafe));
            }

            await csv.NextRecordAsync();
            rows++;
        }

        Log.Information("exported rpt.{View}: {Rows} rows to {Path}", view, rows, path);
        return rows;
    }

    public static string Format(object? value, bool spreadsheetSafe) => value switch
    {
        null => "",
        string text when spreadsheetSafe && text.Length > 0 && text[0] is '=' or '+' or '-' or '@' => "'" + text,
        string text => text,
        bool flag => flag ? "true" : "false",
        DateTime { TimeOfDay.Ticks: 0 } date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "",
    };
}
