using System.Diagnostics;
using System.Globalization;
using Dapper;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Reports;

/// <summary>
/// The workbook opened by another spreadsheet program: LibreOffice converts it headless to PDF (it
/// would stop on a file that needs repair) and recalculates the SKU P&amp;L formulas itself, which must
/// give the rpt views' numbers to the cent. Runs when `libreoffice` (or `soffice`) is on the PATH
/// (apt-get install -y libreoffice-calc-nogui); skipped, saying so, when it is not.
/// </summary>
public sealed class LibreOfficeTests(ReportFixture fixture) : IClassFixture<ReportFixture>
{
    private static readonly Lazy<string?> Program = new(() =>
        new[] { "libreoffice", "soffice" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists));

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task LibreOffice_converts_the_workbook_to_pdf_and_recalculates_the_same_numbers(Engine engine)
    {
        if (Program.Value is null)
        {
            Assert.Skip("LibreOffice is not installed (no libreoffice or soffice on PATH): apt-get install -y libreoffice-calc-nogui to run this check");
        }

        var report = await fixture.ReportAsync(engine);
        var output = Path.Combine(Path.GetDirectoryName(report.Path)!, $"libreoffice-{engine}");
        Directory.CreateDirectory(output);

        await ConvertAsync(report.Path, "pdf", output);
        var pdf = Path.Combine(output, Path.ChangeExtension(Path.GetFileName(report.Path), ".pdf"));
        Assert.True(File.Exists(pdf), $"LibreOffice wrote no {pdf}");
        Assert.StartsWith("%PDF", File.ReadAllText(pdf)[..4], StringComparison.Ordinal);

        // Sheet 3 (SKU P&L) as CSV with the values LibreOffice computed for the formulas (all shops: in the reporting currency).
        await ConvertAsync(report.Path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,3", output);
        var csv = Directory.EnumerateFiles(output, "*.csv").Single();
        var lines = File.ReadAllLines(csv).Skip(2).Select(SplitCsv).ToList();
        var header = lines[0];
        int Column(string name) => Array.IndexOf(header, name);
        await using var connection = await report.Database.OpenAsync();
        var expected = (await connection.QueryAsync<(string Sku, decimal Caa, decimal Cba)>(
            """
            SELECT sku_id, SUM(contribution_after_ads * fx_rate_to_reporting), SUM(contribution_before_ads * fx_rate_to_reporting) FROM rpt.sku_daily
            WHERE date_key BETWEEN @from AND @to GROUP BY product_key, sku_id
            """, new { from = report.Request.FromKey, to = report.Request.ToKey })).ToDictionary(r => r.Sku);

        var rows = lines.Skip(1).Where(l => l.Length > 1 && (l[0].Length > 0 || l[1].Length > 0)).ToList();
        Assert.Equal(expected.Count, rows.Count);
        foreach (var row in rows)
        {
            var sku = row[Column("SKU ID")];
            var caa = decimal.Parse(row[Column("Contribution after ads")], NumberStyles.Float, CultureInfo.InvariantCulture);
            var cba = decimal.Parse(row[Column("Contribution before ads")], NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(caa - expected[sku].Caa) < 0.005m, $"{sku}: LibreOffice computes {caa}, rpt.sku_daily has {expected[sku].Caa}");
            Assert.True(Math.Abs(cba - expected[sku].Cba) < 0.005m, $"{sku}: LibreOffice computes {cba}, rpt.sku_daily has {expected[sku].Cba}");
        }
    }

    private static async Task ConvertAsync(string workbook, string format, string output)
    {
        var profile = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"lo-profile-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo(Program.Value!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // LibreOffice writes CSV numbers in the locale's format: '.' decimals whatever LANG the tests run under.
        start.Environment["LC_ALL"] = "C.UTF-8";
        start.Environment["LANG"] = "C.UTF-8";
        foreach (var argument in new[] { $"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", format, "--outdir", output, workbook })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"libreoffice --convert-to {format} exited {process.ExitCode}: {await stdout} {await stderr}");
        Assert.Contains("convert ", await stdout, StringComparison.Ordinal);
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
            // a profile left behind in the temp folder is harmless
        }
    }

    private static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return [.. fields];
    }
}
