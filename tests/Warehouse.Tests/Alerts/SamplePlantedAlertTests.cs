using Dapper;
using Warehouse.Database;
using Warehouse.Sample;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Alerts;

/// <summary>The sample plants one case of each alert rule; the monitor finds each on the sample's last day, with its money figure.</summary>
public sealed class SamplePlantedAlertTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    private sealed record Row
    {
        public string RuleCode { get; init; } = "";
        public string ShopId { get; init; } = "";
        public string? SkuId { get; init; }
        public string? CampaignId { get; init; }
        public string Subject { get; init; } = "";
        public string Status { get; init; } = "";
        public decimal? MeasuredValue { get; init; }
        public decimal? MoneyAmount { get; init; }
        public string Message { get; init; } = "";
        public object LastSeenOnValue { get; init; } = DateOnly.MinValue;
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Every_case_the_sample_plants_raises_its_alert_for_its_subject_on_the_last_day(Engine engine)
    {
        var planted = SampleGenerator.PlantedAlerts(Pipeline.SmallSample);
        Assert.Equal(
            ["campaign_spend_no_sales", "campaign_spend_spike", "restock", "sku_loss", "stale_source"],
            planted.Select(p => p.RuleCode).Distinct().Order(StringComparer.Ordinal));

        var database = await fixture.CleanDatabaseAsync(engine);
        await Pipeline.LoadAsync(database, Pipeline.SmallSampleFiles);
        await Pipeline.TransformAsync(database);

        await using var connection = await database.OpenAsync();
        var alerts = (await connection.QueryAsync<Row>(
            """
            SELECT rule_code AS RuleCode, shop_id AS ShopId, sku_id AS SkuId, campaign_id AS CampaignId, subject AS Subject,
                   episode_status AS Status, measured_value AS MeasuredValue, money_amount AS MoneyAmount, alert_message AS Message,
                   last_seen_on AS LastSeenOnValue
            FROM rpt.alert
            """)).ToList();
        var lastDay = Pipeline.SmallSample.EndDate ?? SampleOptions.DefaultEndDate;

        foreach (var plant in planted)
        {
            var alert = alerts.SingleOrDefault(a => a.RuleCode == plant.RuleCode && a.ShopId == plant.ShopId
                && (plant.SkuId is null || a.SkuId == plant.SkuId) && (plant.CampaignId is null || a.CampaignId == plant.CampaignId)
                && a.Subject == plant.Subject);
            Assert.True(alert is not null, $"no {plant} among: {string.Join("; ", alerts.Select(a => $"{a.RuleCode} {a.ShopId} {a.SkuId ?? a.CampaignId} {a.Subject}"))}");
            Assert.Equal("open", alert.Status);
            Assert.Equal(lastDay, Warehouse.Alerts.AlertLine.Day(alert.LastSeenOnValue));
            if (plant.RuleCode == "stale_source")
            {
                Assert.Equal(AlertPlants.StaleAdDays, alert.MeasuredValue);
            }
            else
            {
                Assert.True(alert.MoneyAmount > 0, $"{plant}: {alert.Message} has no money figure");
            }
        }

        // Power BI relates rpt.alert to the shop and SKU dimensions by key: every key names the row its texts name.
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            """
            SELECT COUNT(*) FROM rpt.alert AS alert
            LEFT JOIN rpt.dim_shop AS shop ON shop.shop_key = alert.shop_key
            LEFT JOIN rpt.dim_sku AS sku ON sku.product_key = alert.product_key
            WHERE (alert.shop_id IS NOT NULL AND (shop.shop_id IS NULL OR shop.shop_id <> alert.shop_id))
               OR (alert.sku_id IS NOT NULL AND (sku.sku_id IS NULL OR sku.sku_id <> alert.sku_id))
               OR (alert.sku_id IS NULL AND alert.product_key <> 0)
            """));
    }
}
