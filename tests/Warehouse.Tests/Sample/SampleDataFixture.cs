using System.Collections.Concurrent;
using Warehouse.Sample;
using Xunit;

namespace Warehouse.Tests.Sample;

/// <summary>One generation with the default options, shared by the tests that only read it.</summary>
public sealed class SampleDataFixture : IDisposable
{
    private readonly ConcurrentDictionary<string, SampleCsv> tables = new(StringComparer.Ordinal);

    public SampleDataFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "warehouse-sample-" + Guid.NewGuid().ToString("N"));
        RowCounts = SampleGenerator.Generate(Options, Directory);
    }

    public static SampleOptions Options { get; } = new();

    public string Directory { get; }

    public IReadOnlyDictionary<string, long> RowCounts { get; }

    internal SampleCsv Table(string name) => tables.GetOrAdd(name, n => SampleCsv.Read(Directory, n));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SampleDataCollection : ICollectionFixture<SampleDataFixture>
{
    public const string Name = "Sample data";
}
