using System.Text;
using Dapper;
using Warehouse.Control;
using Warehouse.Database;
using Spectre.Console;
using Warehouse.Cli;
using Warehouse.Import;
using Warehouse.Stage;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Import;

/// <summary>
/// Issue 13's bad inputs, each as a real file in a temporary folder loaded (`warehouse load`) or imported (`warehouse
/// import`) into a real database: numbers that would change meaning, text in the wrong encoding, rows cut short,
/// impossible values, a file of junk, a folder with bad files among good ones.
/// </summary>
public sealed class BadInputTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>, IDisposable
{
    private const string Shop = "7495610000000001";
    private const string SkuCostHeader = "shop_id,sku_id,effective_from,unit_cost,currency";
    private readonly string folder = Directory.CreateTempSubdirectory("warehouse-bad-input-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // Item 4: numbers.
    [Theory]
    [InlineData("$1,234.50", "1234.50")]
    [InlineData("-£3.00", "-3.00")]
    [InlineData("£-3.00", "-3.00")]
    [InlineData("(2.50)", "-2.50")]
    [InlineData("USD 12.50", "12.50")]
    [InlineData("12,50 €", "12.50")]
    [InlineData("1.234.567,89", "1234567.89")]
    [InlineData("1 234,5", "1234.5")]
    [InlineData("RM 15.90", "15.90")]
    [InlineData("1,234", "1234")]
    [InlineData("999999999999999.9999", "999999999999999.9999")]
    public void Money_reads_what_a_spreadsheet_shows_as_money(string text, string expected) =>
        Assert.Equal(expected, ImportValues.Money(text));

    [Theory]
    [InlineData("1e308")]
    [InlineData("12x5")]
    [InlineData("1,23,4")]
    [InlineData("1.2.3,4.5")]
    [InlineData("--5")]
    [InlineData("$")]
    [InlineData("5 apples")]
    [InlineData("1000000000000000")]
    [InlineData("99999999999999999999")]
    public void Money_refuses_anything_else_rather_than_reading_another_number(string text) =>
        Assert.Throws<FormatException>(() => ImportValues.Money(text));

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_sku_cost_import_rejects_exponents_letters_and_amounts_beyond_numeric_19_4_by_row_and_column(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var file = Write("costs.csv", $"{SkuCostHeader}\n{Shop},1001,2026-11-01,$4.25,USD\n{Shop},1002,2026-11-01,1e308,USD\n{Shop},1003,2026-11-01,12x5,USD\n{Shop},1004,2026-11-01,99999999999999999999,USD\n{Shop},1005,2026-11-01,\"1,23,4\",USD\n");

        var result = await new FileImporter(database, maxRejectRate: 1m).ImportAsync(file, await Pipeline.StartRunAsync(database, "import"), new ImportOptions(), TestContext.Current.CancellationToken);

        Assert.Equal([(3L, "unit_cost"), (4L, "unit_cost"), (5L, "unit_cost"), (6L, "unit_cost")], result.Rejects.Select(r => (r.RowNumber!.Value, r.FieldName!)));
        Assert.Contains("outside the range of numeric(19,4)", result.Rejects[2].Reason, StringComparison.Ordinal);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal([4.25m], await connection.QueryAsync<decimal>("SELECT unit_cost FROM stg.sku_cost"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_staging_file_with_an_amount_beyond_numeric_19_4_or_an_exponent_rejects_those_rows_by_line_and_column(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        Write("sku_cost.csv", $"{SkuCostHeader}\n{Shop},1001,2026-11-01,4.25,USD\n{Shop},1002,2026-11-01,99999999999999999999,USD\n{Shop},1003,2026-11-01,1e308,USD\n{Shop},1004,2026-11-01,\"1,234.00\",USD\n");

        var results = await Pipeline.LoadAsync(database, folder, maxRejectRate: 1m);

        Assert.Equal(3, results.Single().RowsRejected);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var rejects = (await connection.QueryAsync<(long Row, string Field, string Reason)>("SELECT row_number, field_name, reason FROM etl.reject ORDER BY row_number")).ToList();
        Assert.Equal([(3L, "unit_cost"), (4L, "unit_cost"), (5L, "unit_cost")], rejects.Select(r => (r.Row, r.Field)));
        Assert.Contains("outside the range of numeric(19,4)", rejects[0].Reason, StringComparison.Ordinal);
        Assert.Equal([4.25m], await connection.QueryAsync<decimal>("SELECT unit_cost FROM stg.sku_cost"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_fx_rate_keeps_the_eight_places_its_column_has_and_a_ninth_place_is_rejected_by_line_and_column(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        Write("fx_rate.csv", "currency,rate_date,rate_to_reporting\nIDR,2026-11-01,0.00006130\nVND,2026-11-01,0.000039351\nGBP,2026-11-01,1.27\n");

        var results = await Pipeline.LoadAsync(database, folder, maxRejectRate: 1m);

        Assert.Equal(1, results.Single().RowsRejected);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var reject = await connection.QuerySingleAsync<(long Row, string Field, string Reason)>("SELECT row_number, field_name, reason FROM etl.reject");
        Assert.Equal((3L, "rate_to_reporting"), (reject.Row, reject.Field));
        Assert.Contains("at most 8 decimals", reject.Reason, StringComparison.Ordinal);
        Assert.Equal([("GBP", 1.27m), ("IDR", 0.0000613m)], await connection.QueryAsync<(string, decimal)>("SELECT currency, rate_to_reporting FROM stg.fx_rate ORDER BY currency"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Currency_codes_are_stored_as_ISO_4217_spells_them_and_anything_else_is_rejected_so_no_collation_decides_what_matches(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        Write("shop.csv", "shop_id,shop_name,region,currency,time_zone\nS1,Shop one,US, usd ,UTC\nS2,Shop two,GB,Pound,Europe/London\n");
        Write("fx_rate.csv", "currency,rate_date,rate_to_reporting\ngbp,2026-11-01,1.27\n");

        var results = await Pipeline.LoadAsync(database, folder, maxRejectRate: 1m);

        Assert.Equal(1, results.Sum(r => r.RowsRejected));
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["USD"], await connection.QueryAsync<string>("SELECT currency FROM stg.shop"));
        Assert.Equal(["GBP"], await connection.QueryAsync<string>("SELECT currency FROM stg.fx_rate"));
        var reject = await connection.QuerySingleAsync<(long Row, string Field, string Reason)>("SELECT row_number, field_name, reason FROM etl.reject");
        Assert.Equal((3L, "currency"), (reject.Row, reject.Field));
        Assert.Contains("'Pound' is not a currency code", reject.Reason, StringComparison.Ordinal);

        // The reporting currency is held the same way: a DBA's 'usd' is refused, not matched by one engine and not the other.
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            connection.ExecuteAsync("UPDATE etl.setting SET setting_value = 'usd' WHERE setting_name = 'reporting_currency'"));
        await connection.ExecuteAsync("UPDATE etl.setting SET setting_value = 'GBP' WHERE setting_name = 'reporting_currency'");
        Assert.Equal("GBP", await connection.ExecuteScalarAsync<string>("SELECT setting_value FROM etl.setting WHERE setting_name = 'reporting_currency'"));
    }

    // Item 5: encodings.
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_latin1_file_stops_naming_the_file_and_byte_unless_its_encoding_is_declared_and_then_keeps_its_text(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var header = "shop_id,shop_name,region,currency,time_zone\n";
        var shops = Path.Combine(folder, "shop.csv");
        File.WriteAllBytes(shops, Encoding.Latin1.GetBytes(header + $"{Shop},Café mug £ special,GB,GBP,Europe/London\n"));

        var undecodable = await Assert.ThrowsAsync<WarehouseException>(() => Pipeline.LoadAsync(database, folder));
        var runId = await Pipeline.StartRunAsync(database, "load");
        await new StagingLoader(database, encoding: "latin1").LoadFolderAsync(folder, runId, cancellationToken: TestContext.Current.CancellationToken);

        Assert.StartsWith($"{shops}: cannot be decoded at byte offset {Encoding.UTF8.GetByteCount(header + Shop + ",Caf")}: byte 0xE9", undecodable.Message, StringComparison.Ordinal);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal("Café mug £ special", await connection.ExecuteScalarAsync<string>("SELECT shop_name FROM stg.shop"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_UTF_16_file_without_a_byte_order_mark_stops_with_one_line_and_its_run_step_is_failed_not_running(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var file = Path.Combine(folder, "costs.csv");
        File.WriteAllBytes(file, Encoding.Unicode.GetBytes($"{SkuCostHeader}\n{Shop},1001,2026-11-01,4.25,USD\n"));
        var withBom = Path.Combine(folder, "costs-bom.csv");
        File.WriteAllBytes(withBom, [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes($"{SkuCostHeader}\n{Shop},1002,2026-11-01,£5.50,GBP\n")]);
        var runId = await Pipeline.StartRunAsync(database, "import");
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var importer = new FileImporter(database);

        var error = await Assert.ThrowsAsync<WarehouseException>(() => new RunLog(database).StepAsync(connection, runId, "import " + file, async () =>
        {
            var result = await importer.ImportAsync(file, runId, new ImportOptions(), TestContext.Current.CancellationToken);
            return new StepResult(result.RowsRead, result.RowsWritten, result.Rejects.Count);
        }));
        var bom = await importer.ImportAsync(withBom, runId, new ImportOptions(), TestContext.Current.CancellationToken);

        Assert.Equal($"{file}: cannot be decoded at byte offset 1: a NUL byte (0x00)", error.Message[..error.Message.IndexOf(", which", StringComparison.Ordinal)]);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal("failed", await connection.ExecuteScalarAsync<string>("SELECT status FROM etl.run_step WHERE run_id = @runId", new { runId }));
        Assert.Empty(bom.Rejects);
        Assert.Equal([("1002", 5.50m)], await connection.QueryAsync<(string, decimal)>("SELECT sku_id, unit_cost FROM stg.sku_cost"));
    }

    // Item 6: rows cut short.
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_sku_cost_file_whose_last_line_is_cut_mid_field_rejects_that_row_naming_the_missing_column(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var file = Write("costs.csv", $"{SkuCostHeader}\n{Shop},1001,2026-11-01,4.25,USD\n{Shop},1002,2026-11-01,9.80,USD\n{Shop},1003,2026-12-01,1");

        var result = await new FileImporter(database, maxRejectRate: 0.5m).ImportAsync(file, await Pipeline.StartRunAsync(database, "import"), new ImportOptions(ShopId: Shop, Currency: "USD"), TestContext.Current.CancellationToken);

        var reject = Assert.Single(result.Rejects);
        Assert.Equal((4L, "currency"), (reject.RowNumber!.Value, reject.FieldName!));
        Assert.Contains("cut short", reject.Reason, StringComparison.Ordinal);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.sku_cost WHERE sku_id = '1003'"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_staging_file_with_a_short_row_and_an_unterminated_quote_at_the_end_rejects_both_by_line_and_column(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var rows = Enumerable.Range(1, 8).Select(i => $"{Shop},{1000 + i},2026-11-01,4.25,USD");
        Write("sku_cost.csv", $"{SkuCostHeader}\n{string.Join('\n', rows)}\n{Shop},2001,2026-11-01\n{Shop},2002,2026-11-01,\"15.25,USD\n");

        var results = await Pipeline.LoadAsync(database, folder, maxRejectRate: 0.5m);

        Assert.Equal((8L, 2L), (results.Single().RowsWritten, results.Single().RowsRejected));
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var rejects = (await connection.QueryAsync<(long Row, string Field, string Reason)>("SELECT row_number, field_name, reason FROM etl.reject ORDER BY row_number")).ToList();
        Assert.Equal([(10L, "unit_cost"), (11L, "unit_cost")], rejects.Select(r => (r.Row, r.Field)));
        Assert.Contains("cut short", rejects[0].Reason, StringComparison.Ordinal);
        Assert.Contains("never closed", rejects[1].Reason, StringComparison.Ordinal);
    }

    // Item 7: impossible values.
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Negative_quantities_and_costs_and_rates_above_one_are_rejected_with_a_reason_while_signed_fees_load(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var sample = Pipeline.SmallSampleFiles;
        foreach (var name in new[] { "order_line_item.csv", "sku_cost.csv", "cost_setting.csv", "sku_statement_transaction.csv" })
        {
            File.Copy(Path.Combine(sample, name), Path.Combine(folder, name));
        }

        var clean = await Pipeline.LoadAsync(database, folder);
        Assert.All(clean, r => Assert.Equal(0, r.RowsRejected));
        Assert.True(clean.Single(r => r.Table == "sku_statement_transaction").RowsWritten > 0);
        await fixture.CleanDatabaseAsync(engine);
        Replace("order_line_item.csv", 1, "quantity", "-3");
        Replace("sku_cost.csv", 1, "unit_cost", "-1.50");
        Replace("cost_setting.csv", 1, "commission_rate", "6");
        Replace("sku_cost.csv", 2, "effective_from", "0202-11-01");

        var results = await Pipeline.LoadAsync(database, folder, maxRejectRate: 0.5m);

        Assert.Equal(4, results.Sum(r => r.RowsRejected));
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var reasons = (await connection.QueryAsync<(string Field, string Reason)>("SELECT field_name, reason FROM etl.reject ORDER BY field_name")).ToList();
        Assert.Equal(["commission_rate", "effective_from", "quantity", "unit_cost"], reasons.Select(r => r.Field));
        Assert.Equal("'6' is not a rate between 0 and 1 (write 0.06 or 6%)", reasons[0].Reason);
        Assert.Equal("'-3' is not a quantity above 0", reasons[2].Reason);
        Assert.Contains("negative", reasons[3].Reason, StringComparison.Ordinal);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.order_line_item WHERE quantity <= 0"));
    }

    // Item 8: junk at scale.
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_file_of_junk_stops_after_a_thousand_rows_keeps_them_as_samples_and_loads_nothing(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var junk = string.Join('\n', Enumerable.Range(1, 5_000).Select(i => $"{Shop},{i},not a day,lots,USD"));
        Write("sku_cost.csv", $"{SkuCostHeader}\n{junk}\n");
        var importFile = Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "import")).FullName, "junk costs.csv");
        File.WriteAllText(importFile, $"{SkuCostHeader}\n{junk}\n");

        var load = await Assert.ThrowsAsync<WarehouseException>(() => Pipeline.LoadAsync(database, folder));
        var runId = await Pipeline.StartRunAsync(database, "import");
        var loadRejects = await RejectCountAsync(database);
        var import = await Assert.ThrowsAsync<WarehouseException>(() => new FileImporter(database).ImportAsync(importFile, runId, new ImportOptions(), TestContext.Current.CancellationToken));

        Assert.Contains("stopped reading after 1,000 rows: 1,000 of 1,000 rows read rejected", load.Message, StringComparison.Ordinal);
        Assert.Contains("stopped reading after 1,000 rows: 1,000 of 1,000 rows read rejected", import.Message, StringComparison.Ordinal);
        Assert.Equal(1_000, loadRejects);
        Assert.Equal(2_000, await RejectCountAsync(database));
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.sku_cost"));
    }

    // Item 11: a folder with bad files among good ones; duplicate keys within a file.
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_folder_load_loads_every_good_file_names_each_bad_one_and_counts_replaced_duplicates_in_the_run_step(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        Write("ad.csv", "advertiser_id,ad_id,adgroup_id,campaign_id,ad_naem\n1,2,3,4,x\n");
        Write("shop.csv", $"shop_id,shop_name,region,currency,time_zone\n{Shop},Shop,US,USD,America/Los_Angeles\n");
        Write("sku_cost.csv", $"{SkuCostHeader}\n{Shop},1001,2026-11-01,4.00,USD\n{Shop},1002,2026-11-01,5.00,USD\n{Shop},1001,2026-11-01,4.10,USD\n{Shop},1001,2026-11-01,4.20,USD\n");
        Write("zzz_notes.csv", "a,b\n1,2\n");
        var runId = await Pipeline.StartRunAsync(database, "load");
        var reported = new List<StagingLoader.FileResult>();

        var error = await Assert.ThrowsAsync<WarehouseException>(() => new StagingLoader(database).LoadFolderAsync(
            folder, runId, new SynchronousProgress(reported), TestContext.Current.CancellationToken, new RunLog(database)));

        Assert.Contains("ad.csv: line 1: unknown column 'ad_naem'", error.Message, StringComparison.Ordinal);
        Assert.Contains("zzz_notes.csv: no staging table is named 'zzz_notes'", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 of 4 file(s)", error.Message, StringComparison.Ordinal);
        Assert.Equal(["ad", "shop", "sku_cost", "zzz_notes"], reported.Select(r => r.Table));
        Assert.Equal(2, reported.Single(r => r.Table == "sku_cost").RowsDuplicate);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal([("1001", 4.20m), ("1002", 5.00m)], await connection.QueryAsync<(string, decimal)>("SELECT sku_id, unit_cost FROM stg.sku_cost ORDER BY sku_id"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stg.shop"));
        var steps = (await connection.QueryAsync<(string Name, string Status, long Duplicates)>(
            "SELECT step_name, status, rows_duplicate FROM etl.run_step WHERE run_id = @runId ORDER BY step_number", new { runId })).ToList();
        Assert.Equal(["failed", "succeeded", "succeeded", "failed"], steps.Select(s => s.Status));
        Assert.Equal(2, steps.Single(s => s.Name.EndsWith("sku_cost.csv", StringComparison.Ordinal)).Duplicates);

        // `warehouse status` shows them beside the rejects, on the load's row.
        var status = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(status), Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 400;
        await StatusCommand.ShowAsync(database, new Warehouse.Schedule.ScheduleOptions(), console);
        var loadRow = status.ToString().Split('\n').Single(line => line.Contains($" {runId} ", StringComparison.Ordinal));
        Assert.Contains("duplicate keys", status.ToString(), StringComparison.Ordinal);
        Assert.Equal(["load", runId.ToString(System.Globalization.CultureInfo.InvariantCulture)], Cells(loadRow)[..2]);
        Assert.Equal(["5", "3", "0", "2"], Cells(loadRow)[5..9]); // rows read, written, rejected (the bad files are refused whole, not by row), duplicate keys
    }

    private static string[] Cells(string tableRow) =>
        tableRow.Split('│', StringSplitOptions.RemoveEmptyEntries).Select(cell => cell.Trim()).Where(cell => cell.Length > 0).ToArray();

    private sealed class SynchronousProgress(List<StagingLoader.FileResult> results) : IProgress<StagingLoader.FileResult>
    {
        public void Report(StagingLoader.FileResult value) => results.Add(value);
    }

    private static async Task<int> RejectCountAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM etl.reject");
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Sets one field of one data row (1 = the first after the header) of a file in the folder.</summary>
    private void Replace(string name, int row, string column, string value)
    {
        var path = Path.Combine(folder, name);
        var lines = File.ReadAllLines(path);
        var index = Array.IndexOf(lines[0].Split(','), column);
        var fields = lines[row].Split(',');
        Assert.Equal(lines[0].Split(',').Length, fields.Length); // the sample row has no quoted commas
        fields[index] = value;
        lines[row] = string.Join(',', fields);
        File.WriteAllLines(path, lines);
    }
}
