using Dapper;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Warehouse.Database;
using Warehouse.Stage;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Import;

/// <summary>
/// A row sent again replaces the staged one when any of its fields changed, text compared byte for byte on every
/// engine: a seller who fixes only the capitals of a product title sees the fixed title (SQL Server's databases are
/// usually case-insensitive, PostgreSQL's are not), and one who removes a trailing space sees that too (SQL Server's = ignores it).
/// </summary>
public sealed class StagingChangeTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_product_title_whose_only_change_is_its_capitals_replaces_the_staged_title(Engine engine)
    {
        var database = await fixture.CleanDatabaseAsync(engine);
        var runId = await Pipeline.StartRunAsync(database, "extract");
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var tables = await StagingTable.ReadAllAsync(connection);

        async Task<long> PageAsync(string title)
        {
            var page = new Warehouse.Extract.StagingBatch(tables, "POST /product/202309/products/search");
            page.Add("product", new Dictionary<string, string?>
            {
                ["shop_id"] = "S1", ["product_id"] = "P1", ["title"] = title, ["status"] = "ACTIVATE", ["create_time"] = "0", ["update_time"] = "0",
            });
            await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
            var written = await page.WriteAsync(connection, transaction, new StagingWriter(engine), runId, TestContext.Current.CancellationToken);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
            return written;
        }

        Assert.Equal(1, await PageAsync("night cream 50ml"));
        Assert.Equal(0, await PageAsync("night cream 50ml")); // unchanged: left alone
        Assert.Equal(1, await PageAsync("Night Cream 50ml "));  // a trailing space (SQL Server's = pads it away)
        Assert.Equal(1, await PageAsync("Night Cream 50ml"));

        Assert.Equal("Night Cream 50ml", await connection.ExecuteScalarAsync<string>("SELECT title FROM stg.product WHERE shop_id = 'S1' AND product_id = 'P1'"));
    }

    [Fact]
    public void SQL_Servers_change_test_compares_text_columns_in_a_binary_collation_and_parses_for_SQL_Server_2019()
    {
        var product = new StagingTable("product",
        [
            new("shop_id", ColumnKind.Text, false, true, 64), new("product_id", ColumnKind.Text, false, true, 64),
            new("title", ColumnKind.Text, false, false, 500), new("create_time", ColumnKind.BigInteger, false, false, null),
        ]);
        string[] columns = ["shop_id", "product_id", "title", "create_time"];

        var differs = StagingWriter.RowDiffers(Engine.SqlServer, product, columns);

        var sql = $"SELECT 1 FROM stg.product AS existing JOIN #batch AS incoming ON incoming.shop_id = existing.shop_id WHERE {differs};";
        new TSql150Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        Assert.Empty(errors);
        foreach (var alias in new[] { "incoming", "existing" })
        {
            Assert.Contains($"{alias}.title COLLATE Latin1_General_100_BIN2, DATALENGTH({alias}.title)", differs, StringComparison.Ordinal);
            Assert.Contains($"{alias}.shop_id COLLATE Latin1_General_100_BIN2", differs, StringComparison.Ordinal);
            Assert.DoesNotContain($"{alias}.create_time COLLATE", differs, StringComparison.Ordinal);
        }

        Assert.Equal("(incoming.shop_id, incoming.product_id, incoming.title, incoming.create_time) IS DISTINCT FROM (existing.shop_id, existing.product_id, existing.title, existing.create_time)",
            StagingWriter.RowDiffers(Engine.Postgres, product, columns));
    }
}
