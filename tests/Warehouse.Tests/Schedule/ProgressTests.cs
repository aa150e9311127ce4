using System.Text.RegularExpressions;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Schedule;

/// <summary>Not attached to a terminal (CI set, output redirected), sample, load and transform write their progress as plain log lines with counts and rates.</summary>
public sealed partial class ProgressTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("warehouse-progress-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Sample_load_and_transform_log_their_progress_with_counts_and_rates_when_not_in_a_terminal()
    {
        var database = await fixture.CleanDatabaseAsync(Engine.Postgres);
        var sample = Path.Combine(folder, "sample");
        var logs = Path.Combine(folder, "logs");

        var sampled = await RunAsync(database, logs, "sample", "--out", sample, "--shops", "2", "--skus", "40", "--days", "20", "--seed", "3");
        var loaded = await RunAsync(database, logs, "load", sample);
        var transformed = await RunAsync(database, logs, "transform");

        Assert.Matches(@"sample: day 20/20, [\d,]+ order lines \([\d,]+/s\)", sampled);
        Assert.Matches(@"sample: [\d,]+ rows in \d+ files \([\d,]+ rows/s\) in [\d.]+ s", sampled);
        Assert.Matches(@"load: shop_order, [\d,]+ rows \([\d,]+ rows/s\)", loaded);
        Assert.Matches(@"load: \d+ files, [\d,]+ rows read, [\d,]+ written \([\d,]+ rows/s\) in [\d.]+ s", loaded);
        Assert.Matches(@"transform: etl.compute_order_line", transformed);
        Assert.Matches(@"transform: 13 steps, [\d,]+ rows \([\d,]+ rows/s\) in [\d.]+ s", transformed);
        Assert.DoesNotMatch(Escape(), sampled + loaded + transformed); // no terminal control sequences in plain output
    }

    private static async Task<string> RunAsync(WarehouseDatabase database, string logs, params string[] arguments)
    {
        using var process = ScheduleHarness.StartCli(database, logs, arguments);
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{string.Join(' ', arguments)}: exit {process.ExitCode}: {errors}");
        return await output + errors;
    }

    [GeneratedRegex("\u001b\\[")]
    private static partial Regex Escape();
}
