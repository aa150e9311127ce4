using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Warehouse.Database;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Conformance;

/// <summary>
/// The same sample loaded and transformed on PostgreSQL and on SQL Server gives the same rpt views, row
/// for row: money to the cent, ratios to 5 places, texts (reasons, tiers, actions) equal; surrogate keys
/// (shop_key, product_key, campaign_key) and run ids and times aside. The parity tests compare names and
/// types; this compares results. It needs both engines.
/// </summary>
public sealed partial class CrossEngineResultTests
{
    [Fact]
    public async Task The_same_sample_gives_the_same_rpt_views_on_PostgreSQL_and_SQL_Server()
    {
        if (TestServers.SqlServer is null)
        {
            Assert.Skip("compares PostgreSQL with SQL Server, so it needs both: set WAREHOUSE_TEST_SQLSERVER to a SQL Server connection string (PostgreSQL is always there)");
        }

        var postgres = TestServers.CreateDatabase(Engine.Postgres, "cross");
        var sqlServer = TestServers.CreateDatabase(Engine.SqlServer, "cross");
        try
        {
            await Task.WhenAll(LoadAndTransformAsync(postgres), LoadAndTransformAsync(sqlServer));
            await using var pg = await postgres.OpenAsync();
            await using var ss = await sqlServer.OpenAsync();
            var views = (await pg.QueryAsync<string>("SELECT table_name FROM information_schema.views WHERE table_schema = 'rpt' ORDER BY table_name")).ToList();
            Assert.Equal(views, (await ss.QueryAsync<string>("SELECT table_name FROM information_schema.views WHERE table_schema = 'rpt' ORDER BY table_name")).ToList());

            var differences = new List<string>();
            foreach (var view in views)
            {
                var left = await RowsAsync(pg, view);
                var right = await RowsAsync(ss, view);
                if (left.Count != right.Count)
                {
                    differences.Add($"rpt.{view}: {left.Count} rows on PostgreSQL, {right.Count} on SQL Server");
                    continue;
                }

                var first = Enumerable.Range(0, left.Count).FirstOrDefault(i => left[i] != right[i], -1);
                if (first >= 0)
                {
                    differences.Add($"rpt.{view}: {left.Where((row, i) => row != right[i]).Count()} of {left.Count} rows differ, e.g.\n  PostgreSQL: {left[first]}\n  SQL Server: {right[first]}");
                }
            }

            Assert.True(differences.Count == 0, string.Join("\n", differences));
        }
        finally
        {
            TestServers.DropDatabase(postgres);
            TestServers.DropDatabase(sqlServer);
        }
    }

    private static async Task LoadAndTransformAsync(WarehouseDatabase database)
    {
        Migrator.Migrate(database);
        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        await Pipeline.TransformAsync(database);
    }

    /// <summary>A view's rows as text, columns by name without surrogate keys, run ids and times, sorted.</summary>
    private static async Task<List<string>> RowsAsync(DbConnection connection, string view)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM rpt.{view}";
        await using var reader = await command.ExecuteReaderAsync();
        var columns = Enumerable.Range(0, reader.FieldCount)
            .Select(i => (Index: i, Name: reader.GetName(i)))
            .Where(c => !Excluded().IsMatch(c.Name))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(" | ", columns.Select(c => c.Name + "=" + Normalize(c.Name, reader.IsDBNull(c.Index) ? null : reader.GetValue(c.Index)))));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static string Normalize(string column, object? value) => value switch
    {
        null => "null",
        decimal number => Math.Round(number, Ratio().IsMatch(column) ? 5 : 2, MidpointRounding.AwayFromZero).ToString("0.#####", CultureInfo.InvariantCulture),
        double number => Normalize(column, (decimal)number),
        float number => Normalize(column, (decimal)number),
        bool flag => flag ? "true" : "false",
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime { TimeOfDay.Ticks: 0 } date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        IConvertible convertible when value is byte or short or int or long => convertible.ToInt64(CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "",
    };

    /// <summary>Identity keys differ between databases; run ids and run times differ between runs.</summary>
    [GeneratedRegex(@"^(shop_key|product_key|campaign_key)$|run_id$|_at$")]
    private static partial Regex Excluded();

    /// <summary>Ratios (ROAS, ROI, margins, rates, shares, days of cover, averages) compare to 5 places; money and counts to the cent.</summary>
    [GeneratedRegex(@"roas|roi|margin|rate|share|days_of_cover|^avg_")]
    private static partial Regex Ratio();
}
