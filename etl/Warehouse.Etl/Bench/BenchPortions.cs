using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Warehouse.Bench;

/// <summary>
/// The sample split as its rows would arrive, for the incremental benchmarks (issue 12):
/// <list type="bullet">
/// <item>the base: everything before the last day;</item>
/// <item>the day: the last day's orders (with their lines and affiliate rows), touchpoints and ad rows, and the
/// returns, cancellations, statements (with their transactions) and income rows that changed or settled that day,
/// most of them for orders of the weeks before;</item>
/// <item>a late returns file: the returns (not already in the day) of the orders created in 30 old days (90 to 61
/// days before the last day), arriving after both.</item>
/// </list>
/// The day is the last 24 hours of order times (and the last report day of the ad rows). Children go with their parent.
/// </summary>
public static class BenchPortions
{
    public sealed record Folders(string Base, string Day, string LateReturns, DateOnly LastDay, DateOnly LateFrom, DateOnly LateTo);

    public static Folders Split(string sample, string target)
    {
        var folders = new Folders(Path.Combine(target, "base"), Path.Combine(target, "day"), Path.Combine(target, "late-returns"), default, default, default);
        foreach (var folder in new[] { folders.Base, folders.Day, folders.LateReturns })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            Directory.CreateDirectory(folder);
        }

        // the day: the last 24 hours of orders (shops' local days straddle UTC midnight), and the ad rows of the last report day
        var orders = Path.Combine(sample, "shop_order.csv");
        var lastTime = Read(orders).Rows.Max(row => long.Parse(row["create_time"], CultureInfo.InvariantCulture));
        var dayStart = lastTime + 1 - 86400;
        var lastDay = Read(Path.Combine(sample, "ad_report_daily.csv")).Rows
            .Select(row => DateOnly.ParseExact(row["stat_time_day"], "yyyy-MM-dd", CultureInfo.InvariantCulture)).Max();
        var (lateStart, lateEnd) = (dayStart - 90 * 86400, dayStart - 60 * 86400);

        // only the orders of the day and of the late window (a twelfth of a year's orders), so the split stays small at 10 M lines
        var orderCreated = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in Read(orders).Rows)
        {
            var created = long.Parse(row["create_time"], CultureInfo.InvariantCulture);
            if (created >= dayStart || (created >= lateStart && created < lateEnd))
            {
                orderCreated[row["shop_id"] + "|" + row["order_id"]] = created;
            }
        }

        bool NewOrder(IReadOnlyDictionary<string, string> row) => orderCreated.GetValueOrDefault(row["shop_id"] + "|" + row["order_id"]) >= dayStart;
        bool OnDay(IReadOnlyDictionary<string, string> row, string time) => long.TryParse(row[time], CultureInfo.InvariantCulture, out var t) && t >= dayStart;
        bool OldOrder(IReadOnlyDictionary<string, string> row) =>
            orderCreated.TryGetValue(row["shop_id"] + "|" + row["order_id"], out var t) && t >= lateStart && t < lateEnd;

        var parentPortion = new Dictionary<string, int>(StringComparer.Ordinal);
        int Parent(string table, IReadOnlyDictionary<string, string> row, string key, int portion)
        {
            if (portion != 0)
            {
                parentPortion[table + "|" + row["shop_id"] + "|" + row[key]] = portion; // the base is the default
            }

            return portion;
        }

        int Child(string parent, IReadOnlyDictionary<string, string> row, string key) =>
            parentPortion.GetValueOrDefault(parent + "|" + row["shop_id"] + "|" + row[key]);

        var lastDayText = lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // parents before their children (the file order below), so a child finds its parent's portion
        string[] parentsFirst = ["return_order", "cancellation", "statement"];
        foreach (var file in Directory.GetFiles(sample, "*.csv")
                     .OrderBy(f => Array.IndexOf(parentsFirst, Path.GetFileNameWithoutExtension(f)) is var i && i < 0 ? int.MaxValue : i)
                     .ThenBy(f => f, StringComparer.Ordinal))
        {
            var table = Path.GetFileNameWithoutExtension(file);
            Func<IReadOnlyDictionary<string, string>, int> portionOf = table switch
            {
                "shop_order" or "order_line_item" or "affiliate_order" => row => NewOrder(row) ? 1 : 0,
                "touchpoint" => row => OnDay(row, "event_time") ? 1 : 0,
                "ad_report_daily" or "gmv_max_product_daily" or "gmv_max_campaign_daily" => row => row["stat_time_day"] == lastDayText ? 1 : 0,
                "order_settlement" => row => OnDay(row, "settled_time") ? 1 : 0,
                "statement" => row => Parent(table, row, "statement_id", OnDay(row, "statement_time") ? 1 : 0),
                "sku_statement_transaction" => row => Child("statement", row, "statement_id"),
                "cancellation" => row => Parent(table, row, "cancel_id", OnDay(row, "update_time") ? 1 : 0),
                "cancellation_line_item" => row => Child("cancellation", row, "cancel_id"),
                "return_order" => row => Parent(table, row, "return_id", OnDay(row, "update_time") ? 1 : OldOrder(row) ? 2 : 0),
                "return_line_item" => row => Child("return_order", row, "return_id"),
                _ => _ => 0,
            };

            var (header, rows) = Read(file);
            var writers = new[] { folders.Base, folders.Day, folders.LateReturns }
                .Select(folder => new Lazy<CsvWriter>(() => Writer(Path.Combine(folder, table + ".csv"), header))).ToArray();
            foreach (var row in rows)
            {
                var writer = writers[portionOf(row)].Value;
                foreach (var column in header)
                {
                    writer.WriteField(row[column]);
                }

                writer.NextRecord();
            }

            foreach (var writer in writers.Where(w => w.IsValueCreated))
            {
                writer.Value.Dispose();
            }
        }

        return folders with
        {
            LastDay = lastDay,
            LateFrom = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(lateStart).UtcDateTime),
            LateTo = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(lateEnd - 1).UtcDateTime),
        };
    }

    private static (string[] Header, IEnumerable<IReadOnlyDictionary<string, string>> Rows) Read(string path)
    {
        var reader = new StreamReader(path);
        var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        return (header, Rows());

        IEnumerable<IReadOnlyDictionary<string, string>> Rows()
        {
            using (reader)
            using (csv)
            {
                var row = new Dictionary<string, string>(StringComparer.Ordinal);
                while (csv.Read())
                {
                    for (var i = 0; i < header.Length; i++)
                    {
                        row[header[i]] = csv.GetField(i) ?? "";
                    }

                    yield return row;
                }
            }
        }
    }

    private static CsvWriter Writer(string path, string[] header)
    {
        var writer = new CsvWriter(new StreamWriter(path, false, new UTF8Encoding(false)), new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" });
        foreach (var column in header)
        {
            writer.WriteField(column);
        }

        writer.NextRecord();
        return writer;
    }
}
