using System.Globalization;
using Warehouse.Cli;
using Warehouse.Sample;

namespace Warehouse.Tests.Sample;

/// <summary>
/// Globalization is on (ICU) for SqlClient. Files the warehouse writes must not change with the machine's
/// culture: a German culture (',' decimals, '.' thousands) gives the same bytes as the invariant one.
/// </summary>
public sealed class CultureTests
{
    [Fact]
    public void Globalization_is_on_so_cultures_other_than_the_invariant_one_exist()
    {
        Assert.Equal(",", CultureInfo.GetCultureInfo("de-DE").NumberFormat.NumberDecimalSeparator);
    }

    [Fact]
    public void Sample_files_are_byte_identical_under_a_comma_decimal_culture()
    {
        var options = new SampleOptions(Shops: 1, Skus: 12, Days: 10, Seed: 11);
        var invariant = Generate(options, CultureInfo.InvariantCulture);
        var german = Generate(options, CultureInfo.GetCultureInfo("de-DE"));
        try
        {
            var files = Directory.GetFiles(invariant).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(files, Directory.GetFiles(german).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            foreach (var file in files)
            {
                Assert.True(File.ReadAllBytes(Path.Combine(invariant, file!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(german, file!))),
                    $"{file} differs under de-DE");
            }
        }
        finally
        {
            Directory.Delete(invariant, recursive: true);
            Directory.Delete(german, recursive: true);
        }
    }

    [Fact]
    public void Exported_values_use_dot_decimals_and_iso_dates_under_a_comma_decimal_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            Assert.Equal("1234.5678", ExportCommand.Format(1234.5678m, spreadsheetSafe: false));
            Assert.Equal("0.25", ExportCommand.Format(0.25d, spreadsheetSafe: false));
            Assert.Equal("2026-11-22", ExportCommand.Format(new DateTime(2026, 11, 22), spreadsheetSafe: false));
            Assert.Equal("2026-11-22", ExportCommand.Format(new DateOnly(2026, 11, 22), spreadsheetSafe: false));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static string Generate(SampleOptions options, CultureInfo culture)
    {
        var folder = Path.Combine(Path.GetTempPath(), "warehouse-tests", $"culture-{Guid.NewGuid():N}");
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            SampleGenerator.Generate(options, folder);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        return folder;
    }
}
