using Microsoft.Extensions.Configuration;

namespace Warehouse.Database;

/// <summary>
/// Which engine and database to use: WAREHOUSE_ENGINE and WAREHOUSE_CONNECTION from the environment,
/// else Warehouse:Engine and Warehouse:Connection from appsettings.json or user secrets. With no
/// connection configured the CLI uses its private PostgreSQL cluster under .warehouse/pg.
/// </summary>
public sealed record WarehouseSettings(Engine Engine, string? ConnectionString)
{
    public static WarehouseSettings From(IConfiguration configuration)
    {
        var engineText = configuration["WAREHOUSE_ENGINE"] ?? configuration["Warehouse:Engine"] ?? nameof(Engine.Postgres);
        if (!Enum.TryParse<Engine>(engineText, ignoreCase: true, out var engine))
        {
            throw new WarehouseException($"WAREHOUSE_ENGINE must be Postgres or SqlServer, not '{engineText}'.");
        }

        var connection = configuration["WAREHOUSE_CONNECTION"] ?? configuration["Warehouse:Connection"];
        return new WarehouseSettings(engine, string.IsNullOrWhiteSpace(connection) ? null : connection);
    }

    public static IConfiguration LoadConfiguration() =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddUserSecrets(typeof(WarehouseSettings).Assembly, optional: true)
            .AddEnvironmentVariables()
            .Build();
}
