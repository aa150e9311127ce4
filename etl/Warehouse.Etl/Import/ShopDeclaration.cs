using System.Globalization;

namespace Warehouse.Import;

/// <summary>
/// A shop as a seller without an API app declares it (`warehouse shop add`, or a shops file): id, name, region,
/// currency (ISO 4217), IANA time zone and the time format of its Seller Center exports. TikTok's API sends none
/// of the last three. Written to stg.shop and stg.shop_export_format through the same staging upsert as every load.
/// </summary>
public sealed record ShopDeclaration(string ShopId, string Name, string Region, string Currency, string TimeZone, string DateFormat)
{
    /// <summary>Active ISO 4217 codes (the build runs with invariant globalization, so .NET's region data is not available).</summary>
    private static readonly HashSet<string> Currencies = """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF
        CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG
        HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA
        MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD
        RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
        USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>The declaration with its values made plain (trimmed, codes upper case), or the field that is wrong and why.</summary>
    public static (ShopDeclaration? Shop, string? Field, string? Reason) Check(string? shopId, string? name, string? region, string? currency, string? timeZone, string? dateFormat)
    {
        var id = shopId?.Trim();
        var code = currency?.Trim().ToUpperInvariant();
        var zone = timeZone?.Trim();
        var format = dateFormat?.Trim();
        var area = region?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(id) || id.Length > 64)
        {
            return (null, "shop_id", $"'{shopId}' is not a shop id (1 to 64 characters)");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200)
        {
            return (null, "name", "a shop name of 1 to 200 characters is required");
        }

        if (string.IsNullOrEmpty(area) || area.Length > 8 || !area.All(char.IsAsciiLetterUpper))
        {
            return (null, "region", $"'{region}' is not a region (a code such as US, GB, MY)");
        }

        if (code is null || !Currencies.Contains(code))
        {
            return (null, "currency", $"'{currency}' is not an ISO 4217 currency code (such as USD, GBP, EUR)");
        }

        if (string.IsNullOrEmpty(zone) || !zone.Contains('/', StringComparison.Ordinal) || !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            return (null, "time_zone", $"'{timeZone}' is not an IANA time zone (such as America/Los_Angeles, Europe/London)");
        }

        if (string.IsNullOrEmpty(format) || !RoundTrips(format))
        {
            return (null, "date_format", $"'{dateFormat}' is not a date-time format that reads back what it writes (US exports: \"MM/dd/yyyy hh:mm:ss tt\", elsewhere \"dd/MM/yyyy HH:mm:ss\")");
        }

        return (new ShopDeclaration(id, name.Trim(), area, code, zone, format), null, null);
    }

    /// <summary>The rows of stg.shop and stg.shop_export_format.</summary>
    public IEnumerable<(string Table, Dictionary<string, string?> Values)> StagingRows()
    {
        yield return ("shop", new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["shop_id"] = ShopId, ["shop_name"] = Name, ["region"] = Region, ["currency"] = Currency, ["time_zone"] = TimeZone,
        });
        yield return ("shop_export_format", new Dictionary<string, string?>(StringComparer.Ordinal) { ["shop_id"] = ShopId, ["date_format"] = DateFormat });
    }

    /// <summary>A format must tell the day apart: a time written with it must read back as the same day (and time, where it has one).</summary>
    private static bool RoundTrips(string format)
    {
        var probe = new DateTime(2026, 11, 23, 14, 5, 9);
        try
        {
            var text = probe.ToString(format, CultureInfo.InvariantCulture);
            return DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var back)
                && back.Date == probe.Date && (back.TimeOfDay == TimeSpan.Zero || back == probe);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
