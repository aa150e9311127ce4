using Dapper;
using Warehouse.Database;
using Warehouse.Extract;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Extract;

/// <summary>Watermarks per source and shop/advertiser, lookbacks, and resuming a run that died mid-way.</summary>
public sealed class ResumeAndWatermarkTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_run_killed_mid_way_resumes_from_the_last_committed_page_and_lands_the_same_staging(Engine engine)
    {
        var expected = await SandboxExtract.ExpectedAsync(fixture, engine);
        var database = await fixture.CleanDatabaseAsync(engine);
        await using var sandbox = SandboxExtract.StartSandbox();
        using var kill = new CancellationTokenSource();
        var pages = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SandboxExtract.RunAsync(
            database, sandbox.Url, pageCommitted: (source, next) =>
            {
                if (++pages == 16)
                {
                    kill.Cancel(); // dies after the 16th committed page: in the middle of the second shop's orders
                }
            }, cancellationToken: kill.Token));

        await using (var connection = await database.OpenAsync())
        {
            var cursors = (await connection.QueryAsync<string>("SELECT source_name FROM etl.watermark WHERE cursor_state IS NOT NULL")).ToList();
            Assert.Equal(["shop_orders"], cursors);
        }

        var (results, _) = await SandboxExtract.RunAsync(database, sandbox.Url);

        var resumed = results.Where(r => r.Source == "shop_orders").OrderBy(r => r.Pages).First();
        Assert.True(resumed.Pages < results.Where(r => r.Source == "shop_orders").Max(r => r.Pages), "the killed source went on from its cursor instead of its first page");
        Assert.Equal(SandboxExtract.Describe(expected), SandboxExtract.Describe(await SandboxExtract.ChecksumsAsync(database)));
    }

    [Fact]
    public async Task A_finished_run_moves_every_watermark_and_a_rerun_changes_nothing()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        await using var sandbox = SandboxExtract.StartSandbox();
        await SandboxExtract.RunAsync(database, sandbox.Url);
        var afterOne = await SandboxExtract.ChecksumsAsync(database);

        var (again, _) = await SandboxExtract.RunAsync(database, sandbox.Url);

        Assert.Equal(0, again.Sum(r => r.RowsWritten));
        Assert.Equal(SandboxExtract.Describe(afterOne), SandboxExtract.Describe(await SandboxExtract.ChecksumsAsync(database)));
        await using var connection = await database.OpenAsync();
        var marks = (await connection.QueryAsync<(string Source, DateTime Mark, string? Cursor)>("SELECT source_name, high_water_mark, cursor_state FROM etl.watermark")).ToList();
        Assert.Equal(2 * 5 + 2 * 6, marks.Count); // 2 shops x 5 shop sources + 2 advertisers x 6 marketing sources (GMV Max products per store)
        Assert.All(marks, m =>
        {
            Assert.Null(m.Cursor);
            Assert.Equal(new DateTime(2026, 12, 1), m.Mark.ToUniversalTime().Date);
        });
    }

    [Fact]
    public void Without_dates_a_source_rereads_its_lookback_before_the_watermark()
    {
        var now = new DateTimeOffset(2026, 11, 26, 17, 0, 0, TimeSpan.Zero);
        var mark = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        var options = new ExtractOptions();

        var orders = options.WindowFor(new Watermark("shop_orders", "1", mark, null), ExtractOptions.OrderLookback, now);
        var ads = options.WindowFor(new Watermark("ads_report", "1", mark, null), ExtractOptions.AdsLookback, now);
        var settlements = options.WindowFor(new Watermark("shop_statements", "1", mark, null), ExtractOptions.SettlementLookback, now);
        var first = options.WindowFor(new Watermark("shop_orders", "1", null, null), ExtractOptions.OrderLookback, now);

        Assert.Equal(new DateTimeOffset(2026, 10, 11, 0, 0, 0, TimeSpan.Zero), orders.From);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero), orders.To);
        Assert.Equal(new DateTimeOffset(2026, 11, 17, 0, 0, 0, TimeSpan.Zero), ads.From);
        Assert.Equal(new DateTimeOffset(2026, 9, 26, 0, 0, 0, TimeSpan.Zero), settlements.From);
        Assert.Equal(now.Date.AddDays(1 - 365), first.From.Date);
    }

    [Fact]
    public void An_unfinished_window_resumes_unless_another_window_is_asked_for()
    {
        var now = new DateTimeOffset(2026, 11, 26, 17, 0, 0, TimeSpan.Zero);
        var stored = new ExtractCursor(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), Page: "abc");
        var watermark = new Watermark("shop_orders", "1", stored.From, stored.ToJson());

        Assert.Equal(stored, new ExtractOptions().WindowFor(watermark, ExtractOptions.OrderLookback, now));
        Assert.Equal(stored, SandboxExtract.WholeSample.WindowFor(watermark, ExtractOptions.OrderLookback, now));
        Assert.Null(new ExtractOptions(new DateOnly(2026, 11, 1)).WindowFor(watermark, ExtractOptions.OrderLookback, now).Page);
    }
}
