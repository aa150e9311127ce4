using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Warehouse.Sample;
using Xunit;

namespace Warehouse.Tests.Sample;

[Collection(SampleDataCollection.Name)]
public sealed partial class SampleFileFormatTests(SampleDataFixture data)
{
    [Fact]
    public void Same_seed_and_options_give_byte_identical_files()
    {
        using var again = new TempDirectory();
        SampleGenerator.Generate(SampleDataFixture.Options, again.Path);

        var first = Hashes(data.Directory);
        var second = Hashes(again.Path);
        Assert.Equal(StagingTables().Count, first.Count);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Different_seed_gives_different_orders()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        SampleGenerator.Generate(new SampleOptions(Shops: 1, Skus: 40, Days: 14, Seed: 42), a.Path);
        SampleGenerator.Generate(new SampleOptions(Shops: 1, Skus: 40, Days: 14, Seed: 43), b.Path);

        Assert.NotEqual(Hash(Path.Combine(a.Path, "shop_order.csv")), Hash(Path.Combine(b.Path, "shop_order.csv")));
        Assert.NotEqual(Hash(Path.Combine(a.Path, "order_line_item.csv")), Hash(Path.Combine(b.Path, "order_line_item.csv")));
    }

    [Fact]
    public void Every_staging_table_has_a_file_whose_header_is_the_ddl_columns_without_etl_run_id()
    {
        Assert.Equal(StagingTables().Order(StringComparer.Ordinal), data.RowCounts.Keys.Select(k => k[..^4]).Order(StringComparer.Ordinal));
        foreach (var table in StagingTables())
        {
            var expected = StagingDdl.Tables[table].Columns.Select(c => c.Name).Where(c => c != "etl_run_id");
            Assert.Equal(expected, data.Table(table).Header);
        }
    }

    [Fact]
    public void Files_are_utf8_without_bom_with_lf_line_endings()
    {
        foreach (var file in Directory.GetFiles(data.Directory, "*.csv"))
        {
            byte[] bytes = File.ReadAllBytes(file);
            Assert.False(bytes is [0xEF, 0xBB, 0xBF, ..], $"{file} starts with a BOM");
            Assert.DoesNotContain((byte)'\r', bytes);
            Assert.Equal((byte)'\n', bytes[^1]);
        }
    }

    [Fact]
    public void Returned_row_counts_are_the_data_rows_of_each_file()
    {
        foreach (var (file, rows) in data.RowCounts)
            Assert.Equal(rows, data.Table(file[..^4]).Rows.Count);
        Assert.All(data.RowCounts, kv => Assert.True(kv.Value > 0, $"{kv.Key} is empty"));
    }

    [Fact]
    public void Every_primary_key_is_unique_within_its_file()
    {
        foreach (var table in StagingTables())
        {
            var csv = data.Table(table);
            var key = StagingDdl.Tables[table].PrimaryKey.Select(csv.Column).ToArray();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var row in csv.Rows)
            {
                string value = string.Join('\u001f', key.Select(i => row.Fields[i]));
                Assert.True(seen.Add(value), $"{table}: primary key {value.Replace('\u001f', '|')} repeats");
            }
        }
    }

    [Fact]
    public void Values_match_their_column_types_and_not_null_columns_are_filled()
    {
        foreach (var table in StagingTables())
        {
            var csv = data.Table(table);
            foreach (var column in StagingDdl.Tables[table].Columns.Where(c => c.Name != "etl_run_id"))
            {
                int index = csv.Column(column.Name);
                var pattern = column.Type switch
                {
                    "numeric" => DecimalPattern(),
                    "bigint" or "integer" => IntegerPattern(),
                    "boolean" => BooleanPattern(),
                    "date" => DatePattern(),
                    _ => null,
                };
                bool emptyAllowed = !column.NotNull || table == "ad_product_map"; // its key parts default to ''
                foreach (var row in csv.Rows)
                {
                    string value = row.Fields[index];
                    if (value.Length == 0)
                    {
                        Assert.True(emptyAllowed, $"{table}.{column.Name} is NOT NULL but empty");
                        continue;
                    }
                    if (pattern is not null)
                        Assert.True(pattern.IsMatch(value), $"{table}.{column.Name}: '{value}' is not a {column.Type}");
                }
            }
        }
    }

    [Fact]
    public void Empty_key_parts_of_the_ad_map_are_quoted_empty_strings_not_nulls()
    {
        var lines = File.ReadAllLines(Path.Combine(data.Directory, "ad_product_map.csv")).Skip(1).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.DoesNotContain(",,", line));
        Assert.Contains(lines, line => line.Contains(",\"\",", StringComparison.Ordinal) || line.EndsWith(",\"\"", StringComparison.Ordinal));
    }

    private static IReadOnlyList<string> StagingTables() => StagingDdl.Tables.Keys.ToList();

    private static SortedDictionary<string, string> Hashes(string directory) =>
        new(Directory.GetFiles(directory, "*.csv").ToDictionary(f => Path.GetFileName(f), Hash), StringComparer.Ordinal);

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    [GeneratedRegex(@"^-?\d+(\.\d{1,4})?$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"^-?\d+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^(true|false)$")]
    private static partial Regex BooleanPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DatePattern();
}
