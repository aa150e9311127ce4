using System.CommandLine;
using Warehouse.Sandbox;

namespace Warehouse.Cli;

/// <summary>`warehouse sandbox`: a local TikTok (Shop API, auth host, Marketing API) serving the sample on 127.0.0.1.</summary>
public static class SandboxCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 = any free port)", DefaultValueFactory = _ => 8765 };
        var faults = new Option<string>("--faults") { Description = $"Faults to inject, comma-separated: {string.Join(", ", SandboxOptions.FaultKinds)}", DefaultValueFactory = _ => "" };
        var faultRate = new Option<double>("--fault-rate") { Description = "Share of API requests that get a fault", DefaultValueFactory = _ => 0.1 };
        var faultPath = new Option<string?>("--fault-path") { Description = "Inject faults only on paths containing this text" };
        var command = new Command("sandbox", "Serve the TikTok Shop and Marketing APIs locally from the sample generator (Ctrl+C stops)")
        {
            port, SampleCommand.Shops, SampleCommand.Skus, SampleCommand.Days, SampleCommand.Seed, SampleCommand.OrdersPerDay, faults, faultRate, faultPath,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var kinds = parse.GetValue(faults)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            var unknown = kinds.Except(SandboxOptions.FaultKinds).ToList();
            if (unknown.Count > 0)
            {
                throw new Database.WarehouseException($"unknown fault '{unknown[0]}' (known: {string.Join(", ", SandboxOptions.FaultKinds)})");
            }

            var options = new SandboxOptions(parse.GetValue(port), SampleCommand.OptionsFrom(parse), kinds, parse.GetValue(faultRate), parse.GetValue(faultPath));
            await using var server = new SandboxServer(options).Start();
            Console.WriteLine($"TikTok sandbox on {server.Url} (seed {options.Sample.Seed}, faults: {(kinds.Count == 0 ? "none" : $"{string.Join(",", kinds.Order(StringComparer.Ordinal))} at {options.FaultRate:P0}")}); Ctrl+C stops");
            await server.WaitAsync(cancellationToken);
            Console.WriteLine($"served {server.Requests:N0} requests, {server.FaultsInjected:N0} faults, {server.TokenRefreshes:N0} token refreshes");
        });
        return command;
    }
}
