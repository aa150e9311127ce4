using Warehouse.Database;
using Warehouse.Tests.Infrastructure;

namespace Warehouse.Tests.Reports;

/// <summary>docs/data-dictionary.md is what the live schema says, with a meaning for every column; docs/power-bi.md names real objects.</summary>
public sealed class DataDictionaryTests(WarehouseFixture fixture) : IClassFixture<WarehouseFixture>
{
    [Fact]
    public async Task The_data_dictionary_matches_the_live_schema()
    {
        var database = await fixture.DatabaseAsync(Engine.Postgres);
        await using var connection = await database.OpenAsync();

        var generated = await DataDictionary.GenerateAsync(connection);

        if (Environment.GetEnvironmentVariable("WAREHOUSE_WRITE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(DataDictionary.RepositoryPath, generated);
        }

        Assert.True(File.Exists(DataDictionary.RepositoryPath), "docs/data-dictionary.md is missing: run the test once with WAREHOUSE_WRITE_DOCS=1");
        var committed = (await File.ReadAllTextAsync(DataDictionary.RepositoryPath)).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (committed != generated)
        {
            var expected = generated.Split('\n');
            var actual = committed.Split('\n');
            var first = Enumerable.Range(0, Math.Max(expected.Length, actual.Length))
                .First(i => i >= expected.Length || i >= actual.Length || expected[i] != actual[i]);
            Assert.Fail($"docs/data-dictionary.md differs from the live schema at line {first + 1}:\n" +
                        $"  schema says: {(first < expected.Length ? expected[first] : "(end)")}\n" +
                        $"  file says:   {(first < actual.Length ? actual[first] : "(end)")}\n" +
                        "Regenerate it: WAREHOUSE_WRITE_DOCS=1 dotnet test tests/Warehouse.Tests/Warehouse.Tests.csproj --filter FullyQualifiedName~DataDictionary");
        }

        Assert.DoesNotContain(DataDictionary.Missing, generated, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Power_BI_guide_names_only_views_and_columns_that_exist()
    {
        var guide = await File.ReadAllTextAsync(Path.Combine(Schema.SqlServerScripts.RepositoryRoot, "docs", "power-bi.md"));
        var dictionary = await File.ReadAllTextAsync(DataDictionary.RepositoryPath);

        var views = System.Text.RegularExpressions.Regex.Matches(guide, @"\brpt\.(\w+)\b").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(views);
        Assert.All(views, view => Assert.Contains($"## rpt.{view} (view)", dictionary, StringComparison.Ordinal));
        foreach (var relationship in System.Text.RegularExpressions.Regex.Matches(guide, @"`rpt\.(\w+)\[(\w+)\]`").Cast<System.Text.RegularExpressions.Match>())
        {
            var section = dictionary[dictionary.IndexOf($"## rpt.{relationship.Groups[1].Value} (view)", StringComparison.Ordinal)..];
            section = section[..(section.IndexOf("\n## ", 3, StringComparison.Ordinal) is var end and > 0 ? end : section.Length)];
            Assert.Contains($"| {relationship.Groups[2].Value} |", section, StringComparison.Ordinal);
        }
    }
}
