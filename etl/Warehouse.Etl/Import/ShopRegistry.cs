using Dapper;
using Warehouse.Database;
using Warehouse.Extract;
using Warehouse.Stage;

namespace Warehouse.Import;

/// <summary>`warehouse shop add` and `warehouse shop list`: the shops a seller declares, in stg.shop and stg.shop_export_format.</summary>
public sealed class ShopRegistry(WarehouseDatabase database)
{
    public sealed record ListedShop(string ShopId, string ShopName, string Region, string Currency, string TimeZone, string? DateFormat);

    /// <summary>Declares the shop, or updates it when it is there already; returns the staging rows written (0 when nothing changed).</summary>
    public async Task<long> AddAsync(ShopDeclaration shop, long runId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var batch = new StagingBatch(await StagingTable.ReadAllAsync(connection), "shop add " + shop.ShopId);
        foreach (var (table, values) in shop.StagingRows())
        {
            batch.Add(table, values);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await batch.WriteAsync(connection, transaction, new StagingWriter(database.Engine), runId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    public async Task<IReadOnlyList<ListedShop>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ListedShop>(new CommandDefinition(
            """
            SELECT shop.shop_id AS ShopId, shop.shop_name AS ShopName, shop.region AS Region, shop.currency AS Currency,
                   shop.time_zone AS TimeZone, export_format.date_format AS DateFormat
            FROM stg.shop AS shop
            LEFT JOIN stg.shop_export_format AS export_format ON export_format.shop_id = shop.shop_id
            ORDER BY shop.shop_id
            """, cancellationToken: cancellationToken))).ToList();
    }
}
