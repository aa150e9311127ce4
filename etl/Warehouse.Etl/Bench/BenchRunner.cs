using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Data.SqlClient;
using Npgsql;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Reports;
using Warehouse.Sample;
using Warehouse.Stage;
using Warehouse.Transform;

namespace Warehouse.Bench;

/// <summary>
/// One benchmark run: generates the sample (streaming), creates a fresh database on the server,
/// measures the engine's raw bulk-load floor on the same files, our staging load, a full
/// transform, an incremental transform of the last day, and the workbook of the busiest week,
/// with this process's peak working set per phase and the database size at the end.
/// </summary>
public sealed class BenchRunner(BenchOptions options, WarehouseDatabase server, IProgress<string>? progress = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken = default)
    {
        options.Validate();
        var startedAt = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        var loadAverageStart = MachineProbe.LoadAverage();
        var perPhase = MachineProbe.ResetPeak();

        var folder = options.WorkFolder ?? Path.Combine(RepositoryRoot.Find(), "out", "bench",
            $"sample-{options.Lines}-{options.Shops}-{options.Skus}-{options.Days}-{options.Seed}");
        var sample = Generate(folder);
        var generatePeak = MachineProbe.PeakWorkingSet();

        var database = FreshDatabase(server, options.Lines);
        progress?.Report($"database: {database.Describe()}");
        try
        {
            Migrator.Migrate(database);
            var files = Directory.GetFiles(folder, "*.csv").Order(StringComparer.Ordinal).ToList();

            progress?.Report("raw floor: the engine's own bulk load of the same files");
            MachineProbe.ResetPeak();
            var floorLoad = MachineProbe.LoadAverage();
            var floorFiles = await RawFloor.LoadAsync(database, files, cancellationToken);
            await RawFloor.DropAsync(database);
            var floor = Summarise(floorFiles, floorLoad,
                database.Engine == Engine.Postgres ? "COPY ... FROM STDIN (FORMAT csv), file streamed unchanged" : "SqlBulkCopy of CsvHelper's CsvDataReader");

            // Issue 12: all but the last day first; then the day as it would arrive; then a late returns file.
            var portions = BenchPortions.Split(folder, folder + "-portions");
            var portionsPeak = MachineProbe.PeakWorkingSet(); // the bench's own work (and the raw floor's), not the warehouse's: measured apart
            MachineProbe.ResetPeak();
            progress?.Report($"portions: base, the day {portions.LastDay:yyyy-MM-dd}, late returns of the orders of {portions.LateFrom:yyyy-MM-dd}..{portions.LateTo:yyyy-MM-dd}");
            var baseFiles = Directory.GetFiles(portions.Base, "*.csv").Order(StringComparer.Ordinal).ToList();

            progress?.Report("staging load: warehouse load (CSV -> binary COPY / SqlBulkCopy, straight into empty tables) of all but the last day");
            var stagingLoad = MachineProbe.LoadAverage();
            var stagingFiles = await LoadStagingAsync(database, baseFiles, cancellationToken);
            var staging = Summarise(stagingFiles, stagingLoad, database.Engine == Engine.Postgres ? "warehouse load: binary COPY straight into the empty staging tables (else into a temp table, upsert by key)" : "warehouse load: SqlBulkCopy straight into the empty staging tables (else into a temp table, upsert by key)");
            var loadPeak = MachineProbe.PeakWorkingSet();

            MachineProbe.ResetPeak();
            await using var connection = await database.OpenAsync(cancellationToken);
            progress?.Report("full transform");
            var readersFrom = int.Parse(portions.LastDay.AddDays(-6).ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var full = await TransformAsync(database, connection, new TransformOptions(Full: true), readersFrom, cancellationToken);

            const string dayScenario = "one day of new orders plus the late refunds and settlements of the weeks before, as they would really arrive";
            progress?.Report($"incremental: {dayScenario} ({portions.LastDay:yyyy-MM-dd})");
            var dayLoad = await LoadPortionAsync(database, portions.Day, cancellationToken);
            var incremental = await TransformAsync(database, connection, new TransformOptions(), readersFrom, cancellationToken) with { Scenario = dayScenario, LoadedBefore = dayLoad };

            var lateScenario = $"a late returns file touching 30 days of old orders ({portions.LateFrom:yyyy-MM-dd}..{portions.LateTo:yyyy-MM-dd})";
            progress?.Report($"incremental: {lateScenario}");
            var lateLoad = await LoadPortionAsync(database, portions.LateReturns, cancellationToken);
            var lateReturns = await TransformAsync(database, connection, new TransformOptions(), readersFrom, cancellationToken) with { Scenario = lateScenario, LoadedBefore = lateLoad };
            var transformPeak = MachineProbe.PeakWorkingSet();

            MachineProbe.ResetPeak();
            progress?.Report("report: workbook of the busiest week");
            BenchReport report;
            try
            {
                report = await ReportAsync(connection, folder);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The load and transform figures still count: record why the workbook failed.
                progress?.Report($"report failed: {error.Message}");
                report = new BenchReport("?", 0, 0, 0, -1, MachineProbe.LoadAverage()) { Error = error.Message };
            }

            var reportPeak = MachineProbe.PeakWorkingSet();

            var orderLines = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM fact.order_line");
            var databaseBytes = await DatabaseSizeAsync(connection, database.Engine);
            var memory = new BenchMemory(generatePeak, portionsPeak, loadPeak, transformPeak, reportPeak,
                new[] { generatePeak, portionsPeak, loadPeak, transformPeak, reportPeak }.Max(), perPhase);
            var ratio = staging.RowsPerSecond / floor.RowsPerSecond;
            var orderLineRatio = staging.OrderLineRowsPerSecond / floor.OrderLineRowsPerSecond;
            var incrementalShare = incremental.Seconds / full.Seconds;
            var lateShare = lateReturns.Seconds / full.Seconds;
            var result = new BenchResult
            {
                Engine = database.Engine.ToString(),
                ServerVersion = await ServerVersionAsync(connection, database.Engine),
                LinesRequested = options.Lines,
                OrderLines = orderLines,
                Sample = sample,
                Machine = MachineProbe.Describe(loadAverageStart, MachineProbe.LoadAverage()),
                RawFloor = floor,
                StagingLoad = staging,
                StagingToFloorRatio = Math.Round(ratio, 3),
                OrderLineStagingToFloorRatio = Math.Round(orderLineRatio, 3),
                FullTransform = full,
                FullToFloorRatio = Math.Round(full.Seconds / Math.Max(floor.Seconds, 1e-9), 2),
                IncrementalTransform = incremental,
                IncrementalShareOfFull = Math.Round(incrementalShare, 4),
                LateReturnsTransform = lateReturns,
                LateReturnsShareOfFull = Math.Round(lateShare, 4),
                Report = report,
                Memory = memory,
                DatabaseBytes = databaseBytes,
                Targets = Targets(orderLines, ratio, floor.Seconds, full, incrementalShare, lateShare, memory, report, [full, incremental, lateReturns]),
                StartedAt = startedAt,
                TotalSeconds = Math.Round(total.Elapsed.TotalSeconds, 1),
            };
            await connection.CloseAsync();
            return result;
        }
        finally
        {
            if (!options.Keep)
            {
                progress?.Report("dropping the benchmark database (--keep keeps it and the sample)");
                await DropDatabaseAsync(server, database);
                if (options.WorkFolder is null && !options.ReuseSample && Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                if (Directory.Exists(folder + "-portions"))
                {
                    Directory.Delete(folder + "-portions", recursive: true);
                }
            }
        }
    }

    /// <summary>Writes the result as bench/results/&lt;engine&gt;-&lt;lines&gt;.json (or into <see cref="BenchOptions.ResultsFolder"/>).</summary>
    public string Save(BenchResult result)
    {
        var folder = options.ResultsFolder ?? Path.Combine(RepositoryRoot.Find(), "bench", "results");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{result.Engine.ToLowerInvariant()}-{options.Lines}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(result, Json) + "\n");
        return path;
    }

    private sealed record SampleMarker(SampleOptions Options, long Rows, long OrderLines);

    private BenchSample Generate(string folder)
    {
        var marker = Path.Combine(folder, "bench-sample.json");
        var sampleOptions = options.Sample;
        var loadAverage = MachineProbe.LoadAverage();
        // Reuse only files of the same options written by this generator (the same set of tables).
        var expectedFiles = StagingTables.All.Select(t => t.FileName).Order(StringComparer.Ordinal);
        var sameFiles = Directory.Exists(folder) &&
            Directory.GetFiles(folder, "*.csv").Select(Path.GetFileName).Order(StringComparer.Ordinal).SequenceEqual(expectedFiles);
        if (options.ReuseSample && sameFiles && File.Exists(marker) && JsonSerializer.Deserialize<SampleMarker>(File.ReadAllText(marker)) is { } existing && existing.Options == sampleOptions)
        {
            progress?.Report($"sample: reusing {folder}");
            return new BenchSample(options.Shops, options.Skus, options.Days, options.Seed, options.OrdersPerDay, existing.Rows, FolderBytes(folder), 0, true, loadAverage);
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        progress?.Report($"sample: {options.Shops} shops, {options.Skus:N0} SKUs, {options.Days} days, {options.OrdersPerDay:N0} orders per shop per day -> {folder}");
        var clock = Stopwatch.StartNew();
        var lastReport = Stopwatch.StartNew();
        var rows = SampleGenerator.Generate(sampleOptions, folder, new InlineProgress<SampleProgress>(p =>
        {
            if (lastReport.Elapsed.TotalSeconds >= 10)
            {
                lastReport.Restart();
                progress?.Report($"sample: day {p.DaysDone}/{p.DaysTotal}, {p.OrderLines:N0} order lines");
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var orderLines = rows.GetValueOrDefault("order_line_item.csv");
        File.WriteAllText(marker, JsonSerializer.Serialize(new SampleMarker(sampleOptions, rows.Values.Sum(), orderLines)));
        return new BenchSample(options.Shops, options.Skus, options.Days, options.Seed, options.OrdersPerDay, rows.Values.Sum(), FolderBytes(folder), Math.Round(seconds, 2), false, loadAverage);
    }

    private static long FolderBytes(string folder) => Directory.GetFiles(folder, "*.csv").Sum(f => new FileInfo(f).Length);

    private static BenchLoad Summarise(IReadOnlyList<RawFloor.FileTiming> files, double loadAverage, string method)
    {
        var rows = files.Sum(f => f.Rows);
        var seconds = files.Sum(f => f.Seconds);
        var lines = files.FirstOrDefault(f => f.Table == "order_line_item") ?? new RawFloor.FileTiming("order_line_item", 0, 0, 0);
        return new BenchLoad(rows, files.Sum(f => f.Bytes), Math.Round(seconds, 3), Math.Round(rows / Math.Max(seconds, 1e-9)),
            lines.Rows, Math.Round(lines.Seconds, 3), Math.Round(lines.Rows / Math.Max(lines.Seconds, 1e-9)), loadAverage, method,
            files.Where(f => f.Rows > 0).Select(f => new BenchFile(f.Table, f.Rows, Math.Round(f.Seconds, 3))).ToList());
    }

    private static async Task<IReadOnlyList<RawFloor.FileTiming>> LoadStagingAsync(WarehouseDatabase database, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var runLog = new RunLog(database);
        var runId = await runLog.StartAsync(connection, "bench load", string.Join(' ', files.Select(Path.GetFileName)));
        var tables = await StagingTable.ReadAllAsync(connection);
        var loader = new StagingLoader(database, maxRejectRate: 0);
        var timings = new List<RawFloor.FileTiming>();
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var clock = Stopwatch.StartNew();
            var result = await loader.LoadFileAsync(connection, tables[name], file, runId, cancellationToken);
            timings.Add(new RawFloor.FileTiming(name, result.RowsRead, new FileInfo(file).Length, clock.Elapsed.TotalSeconds));
        }

        await runLog.EndAsync(connection, runId, null);
        return timings;
    }

    /// <summary>Loads one portion's files (into non-empty tables: the upsert path) as one run, as the scheduler's extract would.</summary>
    private static async Task<BenchLoad> LoadPortionAsync(WarehouseDatabase database, string folder, CancellationToken cancellationToken)
    {
        var loadAverage = MachineProbe.LoadAverage();
        var files = await LoadStagingAsync(database, Directory.GetFiles(folder, "*.csv").Order(StringComparer.Ordinal).ToList(), cancellationToken);
        return Summarise(files, loadAverage, "warehouse load into the loaded staging tables (upsert by key)");
    }

    /// <summary>
    /// One transform, with a reader (<see cref="ReaderProbe"/>) querying rpt.sku_daily from the
    /// <paramref name="readersFromDateKey"/> on, on a second connection while its publish step runs.
    /// </summary>
    private static async Task<BenchTransform> TransformAsync(WarehouseDatabase database, DbConnection connection, TransformOptions transform, int readersFromDateKey, CancellationToken cancellationToken)
    {
        var runLog = new RunLog(database);
        var readers = new ReaderProbe(database, readersFromDateKey);
        var idleMedian = await readers.IdleMedianAsync();
        var loadAverage = MachineProbe.LoadAverage();
        var runId = await runLog.StartAsync(connection, "bench transform", transform.ToString());
        var clock = Stopwatch.StartNew();
        var publishing = false;
        var steps = new InlineProgress<string>(step =>
        {
            if (publishing)
            {
                readers.StopAsync().GetAwaiter().GetResult();
                publishing = false;
            }

            if (step == "etl.publish_transform")
            {
                readers.Start();
                publishing = true;
            }
        });
        IReadOnlyList<(string Step, StepResult Result)> results;
        try
        {
            results = await new TransformRunner(database, runLog).RunAsync(connection, runId, transform, steps, cancellationToken);
        }
        finally
        {
            await readers.StopAsync();
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await runLog.EndAsync(connection, runId, null);

        var stepSeconds = database.Engine == Engine.Postgres
            ? "CAST(EXTRACT(EPOCH FROM ended_at - started_at) AS float8)"
            : "CAST(DATEDIFF_BIG(microsecond, started_at, ended_at) AS float) / 1000000";
        var stepTimes = (await connection.QueryAsync<(string Step, long Rows, double Seconds, string? Message)>(
                $"SELECT step_name, rows_written, {stepSeconds}, message FROM etl.run_step WHERE run_id = @runId ORDER BY step_number", new { runId }))
            .Select(s => new BenchStep(s.Step, s.Rows, Math.Round(s.Seconds, 3), s.Message))
            .ToList();
        var affectedDays = results.First(r => r.Step == "etl.prepare_transform").Result.RowsWritten;
        var lines = results.First(r => r.Step == "etl.compute_order_line").Result.RowsWritten;
        return new BenchTransform(
            transform.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? (transform.Full ? "full" : "what changed"),
            transform.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? (transform.Full ? "full" : "what changed"),
            affectedDays, lines, Math.Round(seconds, 3), Math.Round(lines / Math.Max(seconds, 1e-9)), stepTimes, loadAverage,
            Readers: readers.Summarise(idleMedian));
    }

    private static async Task<BenchReport> ReportAsync(DbConnection connection, string folder)
    {
        var days = await connection.QueryAsync<(int DateKey, long Units)>(
            "SELECT date_key, SUM(CAST(units AS bigint)) FROM fact.sku_daily GROUP BY date_key");
        var busiest = days
            .Select(d => (Week: IsoWeek(d.DateKey), d.Units))
            .GroupBy(d => d.Week)
            .OrderByDescending(g => g.Sum(d => d.Units)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .First().Key;
        var loadAverage = MachineProbe.LoadAverage();
        var clock = Stopwatch.StartNew();
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(int.Parse(busiest[..4], CultureInfo.InvariantCulture), int.Parse(busiest[6..], CultureInfo.InvariantCulture), DayOfWeek.Monday));
        var data = await SkuProfitQueries.ReadAsync(connection, new ReportRequest(monday, monday.AddDays(6), null, null));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"sku-profit-all-{busiest}.xlsx");
        SkuProfitWorkbook.Write(path, data);
        var seconds = clock.Elapsed.TotalSeconds;
        return new BenchReport(busiest, data.Lines.Count, data.Campaigns.Count, new FileInfo(path).Length, Math.Round(seconds, 3), loadAverage);
    }

    private static string IsoWeek(int dateKey)
    {
        var day = new DateTime(dateKey / 10000, dateKey / 100 % 100, dateKey % 100, 0, 0, 0, DateTimeKind.Unspecified);
        return $"{ISOWeek.GetYear(day)}-W{ISOWeek.GetWeekOfYear(day):00}";
    }

    private static IReadOnlyList<BenchTarget> Targets(long orderLines, double ratio, double floorSeconds, BenchTransform full, double incrementalShare, double lateShare, BenchMemory memory, BenchReport report,
        IReadOnlyList<BenchTransform> transforms)
    {
        var readers = transforms.Select(t => t.Readers).OfType<BenchReaders>().ToList();
        var readersMax = readers.Select(r => r.MaxSeconds).DefaultIfEmpty(0).Max();
        var readersP99 = readers.Select(r => r.P99Seconds).DefaultIfEmpty(0).Max();
        var readersBlocked = readers.Sum(r => r.BlockedOverOneSecond);
        // 60 s for up to 1 M order lines, then linear (issue 7: 10 M within 10x the 1 M time).
        var fullBudget = 60.0 * Math.Max(1.0, orderLines / 1_000_000.0);
        const long memoryBudget = 500L * 1024 * 1024;
        return
        [
            new("staging load vs raw floor", ">= 70 % of the floor's rows/s", $"{ratio:P0}", ratio >= 0.70),
            new("full transform", $"<= 60 s up to 1 M order lines, linear beyond ({fullBudget:F0} s here)", $"{full.Seconds:F1} s", full.Seconds <= fullBudget),
            new("full transform vs raw floor (issue 12)", "<= 3x the raw COPY time of the same files", $"{full.Seconds / Math.Max(floorSeconds, 1e-9):F1}x", full.Seconds <= 3 * floorSeconds),
            new("incremental day (new orders + late refunds and settlements)", "<= 5 % of the full transform", $"{incrementalShare:P1}", incrementalShare <= 0.05),
            new("late returns file (30 days of old orders)", "<= 5 % of the full transform", $"{lateShare:P1}", lateShare <= 0.05),
            new("peak working set (load, transform, report)", "< 500 MB", $"{Math.Max(memory.LoadBytes, Math.Max(memory.TransformBytes, memory.ReportBytes)) / 1048576.0:F0} MB",
                Math.Max(memory.LoadBytes, Math.Max(memory.TransformBytes, memory.ReportBytes)) < memoryBudget),
            new("peak working set (sample generation)", "< 500 MB", $"{memory.GenerateBytes / 1048576.0:F0} MB", memory.GenerateBytes < memoryBudget),
            new("workbook", $"<= 10 s for a 5,000-SKU catalogue ({report.Skus:N0} SKUs sold in the week)",
                report.Error is null ? $"{report.Seconds:F1} s" : "failed", report.Error is null && report.Seconds <= 10),
            new("readers blocked during a publish (full and incremental)", "<= 1 s (rpt.sku_daily, last week, in a loop on a second connection)",
                $"{readersBlocked} lock waits > 1 s; max {readersMax:F2} s, p99 {readersP99:F2} s ({readers.Sum(r => r.Queries):N0} queries)", readers.Count > 0 && readersBlocked == 0 && readersMax <= 1.0),
        ];
    }

    private static async Task<long> DatabaseSizeAsync(DbConnection connection, Engine engine) =>
        engine == Engine.Postgres
            ? await connection.ExecuteScalarAsync<long>("SELECT pg_database_size(current_database())")
            : await connection.ExecuteScalarAsync<long>("SELECT SUM(CAST(size AS bigint)) * 8192 FROM sys.database_files");

    private static async Task<string> ServerVersionAsync(DbConnection connection, Engine engine) =>
        await connection.ExecuteScalarAsync<string>(engine == Engine.Postgres ? "SHOW server_version" : "SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128))") ?? "?";

    /// <summary>The same server, a new database named after the run: warehouse_bench_&lt;lines&gt;_&lt;utc time&gt;.</summary>
    public static WarehouseDatabase FreshDatabase(WarehouseDatabase server, long lines)
    {
        var name = $"warehouse_bench_{lines}_{DateTime.UtcNow:yyyyMMddHHmmss}";
        if (server.Engine == Engine.Postgres)
        {
            var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name, CommandTimeout = 0 };
            return new WarehouseDatabase(Engine.Postgres, builder.ConnectionString);
        }

        var sql = new SqlConnectionStringBuilder(server.ConnectionString) { InitialCatalog = name, CommandTimeout = 0 };
        return new WarehouseDatabase(Engine.SqlServer, sql.ConnectionString);
    }

    private static async Task DropDatabaseAsync(WarehouseDatabase server, WarehouseDatabase database)
    {
        try
        {
            if (database.Engine == Engine.Postgres)
            {
                var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
                NpgsqlConnection.ClearAllPools();
                var admin = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres" };
                await using var connection = new NpgsqlConnection(admin.ConnectionString);
                await connection.OpenAsync();
                await connection.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                return;
            }

            var catalog = new SqlConnectionStringBuilder(database.ConnectionString).InitialCatalog;
            SqlConnection.ClearAllPools();
            var master = new SqlConnectionStringBuilder(server.ConnectionString) { InitialCatalog = "master" };
            await using var sqlConnection = new SqlConnection(master.ConnectionString);
            await sqlConnection.OpenAsync();
            await sqlConnection.ExecuteAsync(
                $"IF DB_ID(@catalog) IS NOT NULL BEGIN ALTER DATABASE [{catalog}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{catalog}]; END",
                new { catalog });
        }
        catch (DbException error)
        {
            Serilog.Log.Warning(error, "could not drop the benchmark database {Database}", database.Describe());
        }
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool and would reorder lines).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
