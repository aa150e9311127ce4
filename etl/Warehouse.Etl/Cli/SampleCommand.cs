using System.CommandLine;
using Warehouse.Sample;

namespace Warehouse.Cli;

/// <summary>`warehouse sample`: write deterministic sample data in the staging file shapes.</summary>
public static class SampleCommand
{
    public static readonly Option<int> Shops = new("--shops") { Description = "Number of shops", DefaultValueFactory = _ => 2 };
    public static readonly Option<int> Skus = new("--skus") { Description = "Number of SKUs across the shops", DefaultValueFactory = _ => 300 };
    public static readonly Option<int> Days = new("--days") { Description = "Days of orders and ads", DefaultValueFactory = _ => 120 };
    public static readonly Option<int> Seed = new("--seed") { Description = "Random seed: same seed, same files", DefaultValueFactory = _ => 42 };
    public static readonly Option<int?> OrdersPerDay = new("--orders-per-day") { Description = "Orders per day (scales to millions of lines)" };

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write the CSV files to", Required = true };
        var command = new Command("sample", "Write deterministic sample data (one CSV per staging table)") { output, Shops, Skus, Days, Seed, OrdersPerDay };
        command.SetAction(parse =>
        {
            var options = OptionsFrom(parse);
            var rows = Generate(options, parse.GetValue(output)!);
            Console.WriteLine($"wrote {rows.Count} files, {rows.Values.Sum():N0} rows to {parse.GetValue(output)}");
        });
        return command;
    }

    public static SampleOptions OptionsFrom(ParseResult parse) =>
        new(parse.GetValue(Shops), parse.GetValue(Skus), parse.GetValue(Days), parse.GetValue(Seed), parse.GetValue(OrdersPerDay));

    public static IReadOnlyDictionary<string, long> Generate(SampleOptions options, string folder) =>
        SampleGenerator.Generate(options, folder);
}
