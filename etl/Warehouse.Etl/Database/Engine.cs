namespace Warehouse.Database;

/// <summary>The two database engines the warehouse runs on, with the same objects and behaviour.</summary>
public enum Engine
{
    Postgres,
    SqlServer,
}
