using System.Data.Common;
using System.Globalization;
using Dapper;
using Warehouse.Database;

namespace Warehouse.Plan;

/// <summary>What `warehouse plan` asks for: the review period on or before a day, one shop, its budget and pace (null: the settings).</summary>
public sealed record BudgetPlanRequest(DateOnly? AsOf = null, string? ShopId = null, decimal? Budget = null, decimal? MaxChange = null);

/// <summary>
/// Computes the budget plan (profit model "Budget plan") with etl.compute_budget_plan, which replaces
/// the stored plan of the shops it covers (fact.budget_plan*, read through rpt.budget_plan*).
/// </summary>
public static class BudgetPlanner
{
    public static async Task<long> ComputeAsync(WarehouseDatabase database, DbConnection connection, long runId, BudgetPlanRequest request)
    {
        if (request.Budget is < 0)
        {
            throw new WarehouseException("--budget must not be negative");
        }

        if (request.MaxChange is < 0)
        {
            throw new WarehouseException("--max-change must not be negative (0.3 = at most 30 % more a week)");
        }

        int? shopKey = null;
        if (request.ShopId is not null)
        {
            shopKey = await connection.ExecuteScalarAsync<int?>(
                "SELECT shop_key FROM dim.shop WHERE shop_id = @shopId AND shop_key <> 0", new { shopId = request.ShopId })
                ?? throw new WarehouseException($"--shop: no shop '{request.ShopId}' in the warehouse (see rpt.dim_shop)");
        }
        else if (request.Budget is not null)
        {
            // a budget is money of one shop (one currency): without --shop, only a one-shop warehouse will do
            var shops = (await connection.QueryAsync<int>("SELECT shop_key FROM dim.shop WHERE shop_key <> 0")).ToList();
            if (shops.Count != 1)
            {
                throw new WarehouseException($"--budget is one shop's weekly ad money: name the shop with --shop ({shops.Count} shops in the warehouse)");
            }

            shopKey = shops[0];
        }

        var parameters = new Dictionary<string, object?> { ["p_run_id"] = runId };
        if (request.AsOf is { } asOf)
        {
            parameters["p_as_of_date_key"] = int.Parse(asOf.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        if (shopKey is not null)
        {
            parameters["p_shop_key"] = shopKey.Value;
        }

        if (request.Budget is not null)
        {
            parameters["p_budget"] = request.Budget.Value;
        }

        if (request.MaxChange is not null)
        {
            parameters["p_max_change"] = request.MaxChange.Value;
        }

        return await database.CallProcedureAsync(connection, "etl.compute_budget_plan", parameters);
    }
}
