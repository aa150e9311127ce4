using Warehouse.Sample;
using Xunit;

namespace Warehouse.Tests.Sample;

public sealed class ShopRegionTests
{
    [Theory]
    [InlineData(0, "America/Los_Angeles")]
    [InlineData(1, "Europe/London")]
    public void Written_out_daylight_saving_rules_agree_with_the_system_time_zone(int shopIndex, string zoneId)
    {
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        }
        catch (TimeZoneNotFoundException)
        {
            Assert.Skip($"{zoneId} is not known to this system.");
            return;
        }
        var region = ShopRegion.ForShop(shopIndex);
        Assert.Equal(zoneId, region.TimeZone);
        for (var utc = new DateTime(2024, 1, 1, 0, 30, 0, DateTimeKind.Utc); utc.Year < 2029; utc = utc.AddHours(1))
        {
            Assert.Equal(zone.GetUtcOffset(utc), region.OffsetAtUtc(utc));
            var localDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, zone));
            Assert.Equal(localDate, region.LocalDate(ShopRegion.ToEpoch(utc)));
        }
        for (var date = new DateOnly(2024, 1, 1); date.Year < 2029; date = date.AddDays(1))
        {
            var midnight = TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(TimeOnly.MinValue), zone);
            Assert.Equal(ShopRegion.ToEpoch(midnight), region.ToEpoch(date, TimeSpan.Zero));
        }
    }
}
