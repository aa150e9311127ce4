using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Warehouse.Sample;

namespace Warehouse.Sandbox;

/// <summary>
/// What the sandbox serves: exactly the rows <c>warehouse sample</c> writes for the same arguments,
/// generated into a temporary folder and read back, indexed the way the API is asked.
/// </summary>
public sealed class SandboxData
{
    private readonly Dictionary<string, List<Dictionary<string, string>>> tables = new(StringComparer.Ordinal);

    private SandboxData(string folder)
    {
        foreach (var file in Directory.GetFiles(folder, "*.csv"))
        {
            using var reader = new StreamReader(file);
            using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
            csv.Read();
            csv.ReadHeader();
            var header = csv.HeaderRecord ?? [];
            var rows = new List<Dictionary<string, string>>();
            while (csv.Read())
            {
                var row = new Dictionary<string, string>(header.Length, StringComparer.Ordinal);
                for (var i = 0; i < header.Length; i++)
                {
                    row[header[i]] = csv.GetField(i) ?? "";
                }

                rows.Add(row);
            }

            tables[Path.GetFileNameWithoutExtension(file)] = rows;
        }

        LineItems = Lookup("order_line_item", "shop_id", "order_id");
        ReturnLines = Lookup("return_line_item", "shop_id", "return_id");
        CancelLines = Lookup("cancellation_line_item", "shop_id", "cancel_id");
        SkuTransactions = Lookup("sku_statement_transaction", "shop_id", "statement_id");
        ProductSkus = Lookup("product_sku", "shop_id", "product_id");
    }

    public ILookup<string, Dictionary<string, string>> LineItems { get; }
    public ILookup<string, Dictionary<string, string>> ReturnLines { get; }
    public ILookup<string, Dictionary<string, string>> CancelLines { get; }
    public ILookup<string, Dictionary<string, string>> SkuTransactions { get; }
    public ILookup<string, Dictionary<string, string>> ProductSkus { get; }

    public IReadOnlyList<Dictionary<string, string>> this[string table] => tables.TryGetValue(table, out var rows) ? rows : [];

    /// <summary>Serves a folder `warehouse sample` already wrote (the demo generates once and serves that).</summary>
    public static SandboxData FromFolder(string folder) =>
        Directory.Exists(folder) ? new SandboxData(folder) : throw new Database.WarehouseException($"sample folder {folder} does not exist");

    public static SandboxData Generate(SampleOptions options)
    {
        var folder = Path.Combine(Path.GetTempPath(), "warehouse-sandbox", Guid.NewGuid().ToString("N"));
        try
        {
            SampleGenerator.Generate(options, folder);
            return new SandboxData(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static string Key(params string[] parts) => string.Join('|', parts);

    private ILookup<string, Dictionary<string, string>> Lookup(string table, params string[] columns) =>
        this[table].ToLookup(r => Key(columns.Select(c => r[c]).ToArray()), StringComparer.Ordinal);
}
