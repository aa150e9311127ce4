using Warehouse.Database;

namespace Warehouse.Tests.Infrastructure;

/// <summary>Theory data: every conformance test runs on each engine; SQL Server skips when not configured.</summary>
public sealed class Engines : TheoryData<Engine>
{
    public Engines()
    {
        Add(Engine.Postgres);
        Add(Engine.SqlServer);
    }
}
