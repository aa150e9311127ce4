using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Dapper;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Stage;
using Warehouse.Tests.Infrastructure;
using Warehouse.Tests.ProfitEngine;
using Warehouse.Transform;

namespace Warehouse.Tests.Conformance;

/// <summary>
/// Issue 12: the default transform recomputes what changed in staging since the last one, whatever
/// its business dates, and always ends where a full rebuild of the same staging ends.
/// </summary>
public sealed class IncrementalTransformTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private static readonly string[] FactTables =
    [
        "fact.order_line|shop_key, order_id, line_item_id",
        "fact.sku_ad_spend|date_key, campaign_key, product_key, spend_source",
        "fact.ad_daily|date_key, campaign_key, spend_source",
        "fact.sku_daily|date_key, shop_key, product_key, traffic_source_key",
        "fact.sku_period|period_end_date_key, shop_key, product_key",
        "fact.settlement_check|shop_key, order_id",
        "fact.gmv_max_tieout|date_key, campaign_key",
        "fact.sku_attribution_sensitivity|date_key, shop_key, product_key, click_window_days",
    ];

    private static readonly DateOnly OldDay = new(2026, 9, 15);
    private static readonly DateOnly WindowStart = new(2026, 10, 27);
    private static readonly DateOnly WindowEnd = new(2026, 11, 1);

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_refund_loaded_after_a_transform_for_an_order_paid_40_days_before_the_window_is_restated_on_its_paid_day(Engine engine)
    {
        var oldDay = WindowStart.AddDays(-40);
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m)
            .Order("OLD", Scenario.Epoch(oldDay), "buyer1", 0m, new Scenario.Line("A", 40m))
            .Order("NEW", Scenario.Epoch(WindowEnd), "buyer2", 0m, new Scenario.Line("A", 20m));
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        Assert.Equal(0m, (await run.LineAsync("OLD", "A")).RefundAmount);

        scenario.Return("R1", "OLD", "A", 40m, "REFUND_ONLY", Scenario.Epoch(WindowStart.AddDays(-5)));
        await Pipeline.LoadAsync(run.Database, scenario.Write());
        await Pipeline.TransformAsync(run.Database, new TransformOptions(WindowStart, WindowEnd));

        var line = await run.LineAsync("OLD", "A");
        Assert.Equal(DateKey(oldDay), line.DateKey);
        Assert.Equal(40m, line.RefundAmount);
        Assert.Equal(0m, line.NetRevenue);
        Assert.Contains("returns: 1 orders, 1 days", await PrepareMessageAsync(run.Database));
        await AssertEqualsFullRebuildAsync(run.Database);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_late_refund_recomputes_only_its_order_and_keeps_the_other_lines_of_its_day_as_published(Engine engine)
    {
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Sku("P2", "B", unitCost: 3m)
            .Order("REFUNDED", Scenario.Epoch(OldDay, 9), "buyer1", 2m, new Scenario.Line("A", 40m), new Scenario.Line("B", 20m))
            .Order("SAME_DAY", Scenario.Epoch(OldDay, 10), "buyer2", 0m, new Scenario.Line("A", 30m))
            .Order("OTHER_DAY", Scenario.Epoch(OldDay.AddDays(1), 10), "buyer3", 0m, new Scenario.Line("B", 25m));
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        var first = await LineRunsAsync(run.Database);

        scenario.Return("R1", "REFUNDED", "A", 19m, "REFUND_ONLY", Scenario.Epoch(WindowEnd));
        await Pipeline.LoadAsync(run.Database, scenario.Write());
        var incremental = await Pipeline.TransformAsync(run.Database);

        Assert.Equal(19m, (await run.LineAsync("REFUNDED", "A")).RefundAmount);
        var second = await LineRunsAsync(run.Database);
        Assert.Equal(incremental, second["REFUNDED"]);
        // the other order of the refunded order's day is re-aggregated into its SKU-day, not recomputed or rewritten
        Assert.Equal(first["SAME_DAY"], second["SAME_DAY"]);
        Assert.Equal(first["OTHER_DAY"], second["OTHER_DAY"]);
        Assert.Contains("published 1 days: 2 order lines of 1 orders recomputed (1 lines of unchanged orders as published)",
            await PublishMessageAsync(run.Database));
        await AssertEqualsFullRebuildAsync(run.Database);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_new_order_that_takes_TikTok_reported_credit_moves_it_off_an_unchanged_order_of_its_day(Engine engine)
    {
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Ad("GMV", "GMV-AD", "GMV_MAX")
            .Order("LATE", Scenario.Epoch(OldDay, 14), "buyer1", 0m, new Scenario.Line("A", 20m))
            .GmvMaxProduct("GMV", "P1", OldDay, cost: 6.00m, orders: 1)
            .GmvMaxCampaign("GMV", OldDay, 6.00m);
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        Assert.Equal("tiktok_reported", (await run.LineAsync("LATE", "A")).AttributionTouch);

        // an order paid earlier that day arrives late: TikTok's one reported order is now the earliest
        scenario.Order("EARLY", Scenario.Epoch(OldDay, 9), "buyer2", 0m, new Scenario.Line("A", 20m));
        await Pipeline.LoadAsync(run.Database, scenario.Write());
        await Pipeline.TransformAsync(run.Database);

        Assert.Equal("tiktok_reported", (await run.LineAsync("EARLY", "A")).AttributionTouch);
        var late = await run.LineAsync("LATE", "A");
        Assert.Equal((1, (string?)null), (late.TrafficSourceKey, late.AttributionTouch));  // organic now, though its order did not change
        Assert.Contains("(1 lines of unchanged orders as published)", await PublishMessageAsync(run.Database));
        await AssertEqualsFullRebuildAsync(run.Database);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_new_touchpoint_changes_only_the_orders_it_reaches(Engine engine)
    {
        var day = new DateOnly(2026, 11, 2);
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Ad("C1", "AD1")
            .Order("REACHED", Scenario.Epoch(day, 12), "buyer1", 0m, new Scenario.Line("A", 30m))
            .Order("LATER", Scenario.Epoch(day.AddDays(40), 12), "buyer1", 0m, new Scenario.Line("A", 30m))
            // 20 days after the click: beyond the run's 7-day window, inside the 28 days the sensitivity compares
            .Order("SENSITIVE", Scenario.Epoch(day.AddDays(20), 12), "buyer1", 0m, new Scenario.Line("A", 25m))
            .Order("OTHER", Scenario.Epoch(day, 13), "buyer2", 0m, new Scenario.Line("A", 10m));
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        var first = await LineRunsAsync(run.Database);

        scenario.Touch("buyer1", "AD1", "click", Scenario.Epoch(day, 11));
        await Pipeline.LoadAsync(run.Database, scenario.Write());
        var incremental = await Pipeline.TransformAsync(run.Database);

        var reached = await run.LineAsync("REACHED", "A");
        Assert.Equal(("click", await run.CampaignKeyOfAdAsync("AD1")), (reached.AttributionTouch, reached.CampaignKey));
        Assert.Equal(1, (await run.LineAsync("OTHER", "A")).TrafficSourceKey);  // organic
        Assert.Equal(1, (await run.LineAsync("LATER", "A")).TrafficSourceKey);
        var second = await LineRunsAsync(run.Database);
        // the days of the orders it reaches are recomputed (the 28-day sensitivity window included);
        // the order 40 days later (beyond every window) is not
        Assert.Equal(incremental, second["REACHED"]);
        Assert.Equal(incremental, second["SENSITIVE"]);
        Assert.Equal(1, (await run.LineAsync("SENSITIVE", "A")).TrafficSourceKey);
        Assert.Equal(first["LATER"], second["LATER"]);
        Assert.Contains("touchpoints: 2 orders, 2 days", await PrepareMessageAsync(run.Database));
        await AssertEqualsFullRebuildAsync(run.Database);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_cost_row_with_a_past_effective_date_restates_that_SKU_from_that_date(Engine engine)
    {
        var day = new DateOnly(2026, 10, 1);
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Sku("P2", "B", unitCost: 3m)
            .Order("D1", Scenario.Epoch(day), "buyer1", 0m, new Scenario.Line("A", 30m))
            .Order("D2", Scenario.Epoch(day.AddDays(10)), "buyer2", 0m, new Scenario.Line("A", 30m))
            .Order("D3", Scenario.Epoch(day.AddDays(20)), "buyer3", 0m, new Scenario.Line("A", 30m))
            .Order("B1", Scenario.Epoch(day.AddDays(25)), "buyer4", 0m, new Scenario.Line("B", 30m));
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        var first = await LineRunsAsync(run.Database);

        scenario.Cost("A", day.AddDays(5), 7m);
        await Pipeline.LoadAsync(run.Database, scenario.Write());
        await Pipeline.TransformAsync(run.Database);

        Assert.Equal(5m, (await run.LineAsync("D1", "A")).Cogs);
        Assert.Equal(7m, (await run.LineAsync("D2", "A")).Cogs);
        Assert.Equal(7m, (await run.LineAsync("D3", "A")).Cogs);
        var second = await LineRunsAsync(run.Database);
        Assert.Equal(first["D1"], second["D1"]);
        Assert.Equal(first["B1"], second["B1"]);
        Assert.NotEqual(first["D2"], second["D2"]);
        Assert.Contains("SKU costs: 0 orders, 2 days", await PrepareMessageAsync(run.Database));
        await AssertEqualsFullRebuildAsync(run.Database);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_mapping_change_moves_only_its_campaigns_spend(Engine engine)
    {
        var day = new DateOnly(2026, 11, 2);
        var scenario = new Scenario()
            .Sku("P1", "A", unitCost: 5m).Sku("P2", "B", unitCost: 5m).Ad("C1", "AD1").Ad("C2", "AD2")
            .MapAdToSku("C1", "AD1", "A")
            .Order("O1", Scenario.Epoch(day), "buyer1", 0m, new Scenario.Line("A", 30m))
            .Order("O2", Scenario.Epoch(day), "buyer2", 0m, new Scenario.Line("B", 10m))
            .Spend("AD1", day, 10m).Spend("AD1", day.AddDays(1), 11m).Spend("AD2", day.AddDays(1), 12m).Spend("AD2", day.AddDays(2), 13m);
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        var c1 = await run.CampaignKeyOfAdAsync("AD1");
        var c2 = await run.CampaignKeyOfAdAsync("AD2");
        var c1Before = await CampaignSpendAsync(run.Database, c1);
        Assert.Equal(["20261103||12.0000", "20261104||13.0000"], await CampaignSpendAsync(run.Database, c2));

        scenario.MapAdToSku("C2", "AD2", "B");
        await Pipeline.LoadAsync(run.Database, scenario.Write());
        await Pipeline.TransformAsync(run.Database);

        Assert.Equal(c1Before, await CampaignSpendAsync(run.Database, c1));
        Assert.Equal(["20261103|B|12.0000", "20261104|B|13.0000"], await CampaignSpendAsync(run.Database, c2));
        Assert.Contains("ad-to-product map: 0 orders, 2 days", await PrepareMessageAsync(run.Database));
        await AssertEqualsFullRebuildAsync(run.Database);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_setting_change_triggers_a_full_rebuild_with_a_message(Engine engine)
    {
        var scenario = new Scenario().Sku("P1", "A", unitCost: 5m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "buyer1", 0m, new Scenario.Line("A", 100m));
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        var unchanged = await Pipeline.TransformAsync(run.Database);
        Assert.Equal("incremental: nothing changed since the last transform", await PrepareMessageAsync(run.Database));
        Assert.NotEqual(unchanged, (await LineRunsAsync(run.Database))["O1"]);

        string hero;
        await using (var connection = await run.Database.OpenAsync())
        {
            hero = await connection.ExecuteScalarAsync<string>("SELECT setting_value FROM etl.setting WHERE setting_name = 'hero_min_orders'") ?? "";
            await connection.ExecuteAsync("UPDATE etl.setting SET setting_value = '21' WHERE setting_name = 'hero_min_orders'");
        }

        long rebuilt;
        try
        {
            rebuilt = await Pipeline.TransformAsync(run.Database);
        }
        finally
        {
            await using var connection = await run.Database.OpenAsync();
            await connection.ExecuteAsync("UPDATE etl.setting SET setting_value = @hero WHERE setting_name = 'hero_min_orders'", new { hero });
        }

        Assert.StartsWith("full rebuild: a profit-model setting (etl.setting) changed", await PrepareMessageAsync(run.Database));
        Assert.Equal(rebuilt, (await LineRunsAsync(run.Database))["O1"]);

        await using (var connection = await run.Database.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE etl.transform_basis SET procedures_hash = 'older procedures'");
        }

        await Pipeline.TransformAsync(run.Database);
        Assert.StartsWith("full rebuild: the transform procedures changed", await PrepareMessageAsync(run.Database));
        await Pipeline.TransformAsync(run.Database, new TransformOptions(Full: true));
        Assert.StartsWith("full rebuild: requested (--full)", await PrepareMessageAsync(run.Database));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_parent_re_sent_without_a_line_restates_its_order(Engine engine)
    {
        // the dropped line is a free gift: the order itself arrives unchanged, only the line is gone
        var scenario = new Scenario().Sku("P1", "A", unitCost: 5m).Sku("P2", "GIFT", unitCost: 2m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "buyer1", 0m, new Scenario.Line("A", 30m), new Scenario.Line("GIFT", 0m));
        var run = await ScenarioRun.TransformAsync(fixture, engine, scenario);
        await using var connection = await run.Database.OpenAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM fact.order_line WHERE order_id = 'O1'"));

        var resent = new Scenario().Sku("P1", "A", unitCost: 5m)
            .Order("O1", Scenario.Epoch(Scenario.Day), "buyer1", 0m, new Scenario.Line("A", 30m));
        var folder = resent.Write();
        foreach (var file in Directory.GetFiles(folder, "*.csv").Where(f => Path.GetFileName(f) != "order_line_item.csv"))
        {
            File.Delete(file);
        }

        await Pipeline.LoadAsync(run.Database, folder);
        await Pipeline.TransformAsync(run.Database);

        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM fact.order_line WHERE order_id = 'O1'"));
        Assert.Contains("rows a re-sent parent dropped: 1 orders, 1 days", await PrepareMessageAsync(run.Database));
        await AssertEqualsFullRebuildAsync(run.Database);
    }

    /// <summary>
    /// The invariant of issue 12, on the sample: its rows arrive in random portions (children with
    /// their parent), an order is re-sent without a line, and after each load an incremental
    /// transform runs; the facts then equal a full rebuild of the same staging, checked twice.
    /// </summary>
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task After_random_loads_and_incremental_runs_the_facts_equal_a_full_rebuild(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var random = new Random(20261203);
        var folders = SplitSample(Pipeline.SmallSampleFiles, 4, random);

        for (var portion = 0; portion < folders.Length; portion++)
        {
            await Pipeline.LoadAsync(database, folders[portion]);
            await AssertIncrementalEqualsFullRebuildAsync(database, $"portion {portion} ({string.Join(", ", Directory.GetFiles(folders[portion]).Select(Path.GetFileNameWithoutExtension))})");
            if (portion == 5)
            {
                await Pipeline.LoadAsync(database, await ResendWithoutALineAsync(database, Pipeline.SmallSampleFiles, random));
                await AssertIncrementalEqualsFullRebuildAsync(database, "an order re-sent without a line");
            }
        }

        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);  // the line re-sent away comes back
        await AssertIncrementalEqualsFullRebuildAsync(database, "the whole sample again");
    }

    // The demo (and `warehouse run`) loads staging and transforms inside one run: that transform consumes
    // its own run's rows, so the next transform finds nothing changed instead of recomputing every day.
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_transform_in_the_run_that_loaded_the_staging_consumes_it_so_the_next_transform_has_nothing_to_do(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var runId = await Pipeline.StartRunAsync(database, "demo");
        await new StagingLoader(database).LoadFolderAsync(Pipeline.SmallSampleFiles, runId);
        await using (var connection = await database.OpenAsync())
        {
            await new TransformRunner(database, new RunLog(database)).RunAsync(connection, runId, new TransformOptions());
            await new RunLog(database).EndAsync(connection, runId, null);
        }

        var published = await FactChecksumsAsync(database);
        await Pipeline.TransformAsync(database);

        Assert.Equal("incremental: nothing changed since the last transform", await PrepareMessageAsync(database));
        Assert.Equal(published, await FactChecksumsAsync(database));
    }

    /// <summary>An incremental transform, then a full rebuild of the same staging: the facts must not move.</summary>
    private static async Task AssertIncrementalEqualsFullRebuildAsync(WarehouseDatabase database, string after)
    {
        await Pipeline.TransformAsync(database);
        var incremental = await FactChecksumsAsync(database);
        var plan = await PrepareMessageAsync(database);
        await Pipeline.TransformAsync(database, new TransformOptions(Full: true));
        var full = await FactChecksumsAsync(database);
        Assert.True(full == incremental, $"after {after}, the incremental run ({plan}) gave\n{incremental}\nand the full rebuild\n{full}");
    }

    private static async Task AssertEqualsFullRebuildAsync(WarehouseDatabase database)
    {
        var incremental = await FactChecksumsAsync(database);
        await Pipeline.TransformAsync(database, new TransformOptions(Full: true));
        Assert.Equal(await FactChecksumsAsync(database), incremental);
    }

    private static async Task<string> FactChecksumsAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        var sums = new List<string>();
        foreach (var check in FactTables)
        {
            var (table, order) = (check.Split('|')[0], check.Split('|')[1]);
            sums.Add(table + ": " + await Pipeline.ChecksumAsync(connection, table, order));
        }

        return string.Join("\n", sums);
    }

    private static async Task<string> PrepareMessageAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<string>(
            """
            SELECT message FROM etl.run_step
            WHERE step_name = 'etl.prepare_transform' AND run_id = (SELECT MAX(run_id) FROM etl.run_step WHERE step_name = 'etl.prepare_transform')
            """) ?? "";
    }

    private static async Task<string> PublishMessageAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<string>(
            """
            SELECT message FROM etl.run_step
            WHERE step_name = 'etl.publish_transform' AND run_id = (SELECT MAX(run_id) FROM etl.run_step WHERE step_name = 'etl.publish_transform')
            """) ?? "";
    }

    /// <summary>The transform run that last wrote each order's lines.</summary>
    private static async Task<Dictionary<string, long>> LineRunsAsync(WarehouseDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<(string OrderId, long RunId)>("SELECT order_id, MAX(etl_run_id) FROM fact.order_line GROUP BY order_id"))
            .ToDictionary(r => r.OrderId, r => r.RunId);
    }

    /// <summary>A campaign's allocated spend as "yyyyMMdd|sku|amount" in day order.</summary>
    private static async Task<string[]> CampaignSpendAsync(WarehouseDatabase database, int campaignKey)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(int DateKey, string SkuId, decimal Spend)>(
            """
            SELECT spend.date_key, product.sku_id, spend.ad_spend
            FROM fact.sku_ad_spend AS spend JOIN dim.product AS product ON product.product_key = spend.product_key
            WHERE spend.campaign_key = @campaignKey ORDER BY spend.date_key, product.sku_id
            """, new { campaignKey });
        return rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.DateKey}|{r.SkuId}|{r.Spend:0.0000}")).ToArray();
    }

    private static int DateKey(DateOnly day) => day.Year * 10000 + day.Month * 100 + day.Day;

    /// <summary>
    /// The sample's rows in portions as they would arrive: first <paramref name="days"/> portions of
    /// orders (with their lines) and ad rows by their day, in order, with about half of every other
    /// file's rows in a random one of them (before or after their order); then one portion per
    /// other file (returns, cancellations, statements, settlements, affiliate rows, touchpoints,
    /// catalogue, costs, mappings, settings, rate cards, a fifth of the ad rows), in random order,
    /// bringing the rest late: each of them is the only change of the days it touches. A child row
    /// goes with the other children of its parent (a parent re-sent replaces its children); the shop comes first.
    /// </summary>
    private static string[] SplitSample(string sample, int days, Random random)
    {
        var files = Directory.GetFiles(sample, "*.csv").Order(StringComparer.Ordinal).ToList();
        string[] inOrder = ["shop", "shop_order", "order_line_item"];
        var lateTables = files.Select(Path.GetFileNameWithoutExtension).OfType<string>().Where(t => !inOrder.Contains(t))
            .OrderBy(_ => random.Next()).ToList();
        var folders = Enumerable.Range(0, days + lateTables.Count)
            .Select(_ => Path.Combine(Path.GetTempPath(), "warehouse-tests", $"portion-{Guid.NewGuid():N}")).ToArray();
        foreach (var folder in folders)
        {
            Directory.CreateDirectory(folder);
        }

        var (orderHeader, orderRows) = ReadCsv(Path.Combine(sample, "shop_order.csv"));
        var orderTimes = orderRows.ToDictionary(
            r => r[Array.IndexOf(orderHeader, "shop_id")] + "|" + r[Array.IndexOf(orderHeader, "order_id")],
            r => long.Parse(r[Array.IndexOf(orderHeader, "create_time")], CultureInfo.InvariantCulture));
        var (first, last) = (orderTimes.Values.Min(), orderTimes.Values.Max());
        int ByTime(long time) => (int)Math.Clamp((time - first) * days / (last - first + 1), 0, days - 1);
        int ByDay(string day) => ByTime(new DateTimeOffset(DateTime.Parse(day, CultureInfo.InvariantCulture), TimeSpan.Zero).ToUnixTimeSeconds());

        foreach (var file in files)
        {
            var table = Path.GetFileNameWithoutExtension(file);
            var (header, rows) = ReadCsv(file);
            var parent = StagingWriter.ParentKeys.TryGetValue(table, out var keys) ? keys.Select(k => Array.IndexOf(header, k)).ToArray() : null;
            var portionOf = new Dictionary<string, int>(StringComparer.Ordinal);
            var byPortion = Enumerable.Range(0, folders.Length).Select(_ => new List<string[]>()).ToArray();
            var latePortion = days + lateTables.IndexOf(table);
            foreach (var row in rows)
            {
                var group = parent is null ? Guid.NewGuid().ToString() : string.Join('|', parent.Select(i => row[i]));
                if (!portionOf.TryGetValue(group, out var portion))
                {
                    portion = portionOf[group] = table switch
                    {
                        "shop" => 0,
                        "shop_order" or "order_line_item" => ByTime(orderTimes[row[Array.IndexOf(header, "shop_id")] + "|" + row[Array.IndexOf(header, "order_id")]]),
                        "ad_report_daily" or "gmv_max_product_daily" or "gmv_max_campaign_daily" =>
                            random.Next(5) == 0 ? latePortion : ByDay(row[Array.IndexOf(header, "stat_time_day")]),
                        _ => random.Next(2) == 0 ? latePortion : random.Next(days),
                    };
                }

                byPortion[portion].Add(row);
            }

            for (var portion = 0; portion < folders.Length; portion++)
            {
                if (byPortion[portion].Count > 0)
                {
                    WriteCsv(Path.Combine(folders[portion], table + ".csv"), header, byPortion[portion]);
                }
            }
        }

        return folders;
    }

    /// <summary>
    /// A folder re-sending one loaded order of several lines without its last line: the order's
    /// list price and seller discount less the line's, its other lines as they were.
    /// </summary>
    private static async Task<string> ResendWithoutALineAsync(WarehouseDatabase database, string sample, Random random)
    {
        await using var connection = await database.OpenAsync();
        var orders = (await connection.QueryAsync<(string ShopId, string OrderId)>(
            """
            SELECT line.shop_id, line.order_id FROM stg.order_line_item AS line
            WHERE EXISTS (SELECT 1 FROM stg.shop_order AS o WHERE o.shop_id = line.shop_id AND o.order_id = line.order_id)
            GROUP BY line.shop_id, line.order_id HAVING COUNT(*) > 1 ORDER BY line.shop_id, line.order_id
            """)).ToList();
        Assert.NotEmpty(orders);
        var (shopId, orderId) = orders[random.Next(orders.Count)];
        var folder = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"resent-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);

        var (lineHeader, lineRows) = ReadCsv(Path.Combine(sample, "order_line_item.csv"));
        var lines = lineRows.Where(r => r[Array.IndexOf(lineHeader, "shop_id")] == shopId && r[Array.IndexOf(lineHeader, "order_id")] == orderId).ToList();
        var dropped = lines[^1];
        WriteCsv(Path.Combine(folder, "order_line_item.csv"), lineHeader, lines.Take(lines.Count - 1).ToList());

        var (orderHeader, orderRows) = ReadCsv(Path.Combine(sample, "shop_order.csv"));
        var order = orderRows.Single(r => r[Array.IndexOf(orderHeader, "shop_id")] == shopId && r[Array.IndexOf(orderHeader, "order_id")] == orderId);
        decimal Field(string[] header, string[] row, string name) => decimal.Parse(row[Array.IndexOf(header, name)], CultureInfo.InvariantCulture);
        order[Array.IndexOf(orderHeader, "original_total_product_price")] = (Field(orderHeader, order, "original_total_product_price")
            - Field(lineHeader, dropped, "original_price") * Field(lineHeader, dropped, "quantity")).ToString(CultureInfo.InvariantCulture);
        order[Array.IndexOf(orderHeader, "seller_discount")] = (Field(orderHeader, order, "seller_discount")
            - Field(lineHeader, dropped, "seller_discount")).ToString(CultureInfo.InvariantCulture);
        WriteCsv(Path.Combine(folder, "shop_order.csv"), orderHeader, [order]);
        return folder;
    }

    private static (string[] Header, List<string[]> Rows) ReadCsv(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        var rows = new List<string[]>();
        while (csv.Read())
        {
            rows.Add(Enumerable.Range(0, header.Length).Select(i => csv.GetField(i) ?? "").ToArray());
        }

        return (header, rows);
    }

    private static void WriteCsv(string path, string[] header, IReadOnlyList<string[]> rows)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        using var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" });
        foreach (var name in header)
        {
            csv.WriteField(name);
        }

        csv.NextRecord();
        foreach (var row in rows)
        {
            foreach (var field in row)
            {
                csv.WriteField(field);
            }

            csv.NextRecord();
        }
    }
}
