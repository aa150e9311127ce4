using System.CommandLine;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Import;

namespace Warehouse.Cli;

/// <summary>
/// `warehouse shop add ID --name --region --currency --time-zone --date-format` and `warehouse shop list`: a seller
/// without an API app declares its shops (TikTok's API would have sent them); re-declaring a shop updates it.
/// </summary>
public static class ShopCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The shop id (Seller Center: the shop code or id the exports use)" };
        var name = new Option<string>("--name") { Description = "The shop's name", Required = true };
        var region = new Option<string>("--region") { Description = "Region code, e.g. US, GB", Required = true };
        var currency = new Option<string>("--currency") { Description = "ISO 4217 currency of the shop's amounts, e.g. USD", Required = true };
        var timeZone = new Option<string>("--time-zone") { Description = "IANA time zone of the shop's local times, e.g. America/Los_Angeles", Required = true };
        var dateFormat = new Option<string>("--date-format") { Description = "The time format of its Seller Center exports, e.g. \"MM/dd/yyyy hh:mm:ss tt\" (US) or \"dd/MM/yyyy HH:mm:ss\"", Required = true };
        var add = new Command("add", "Declare a shop, or update it") { id, name, region, currency, timeZone, dateFormat };
        add.SetAction(async parse =>
        {
            var (shop, field, reason) = ShopDeclaration.Check(parse.GetValue(id), parse.GetValue(name), parse.GetValue(region), parse.GetValue(currency), parse.GetValue(timeZone), parse.GetValue(dateFormat));
            if (shop is null)
            {
                throw new WarehouseException($"shop not declared: --{field!.Replace('_', '-')} {reason}");
            }

            var context = new CliContext();
            await context.RunAsync("shop add", string.Join(' ', parse.Tokens.Select(t => t.Value)), async (connection, runId) =>
            {
                await using var staging = await context.StagingLockAsync("shop add", 300);
                await new RunLog(context.Database).StepAsync(connection, runId, "shop " + shop.ShopId, async () =>
                {
                    var rows = await new ShopRegistry(context.Database).AddAsync(shop, runId);
                    return new StepResult(2, rows, 0);
                });
                Console.WriteLine($"shop {shop.ShopId} ({shop.Name}): {shop.Region}, {shop.Currency}, {shop.TimeZone}, exports in \"{shop.DateFormat}\"");
                return 0;
            });
        });

        var list = new Command("list", "The declared and extracted shops");
        list.SetAction(async _ =>
        {
            var database = new CliContext().Database;
            Migrator.EnsureCurrent(database);
            var shops = await new ShopRegistry(database).ListAsync();
            Console.WriteLine("shop_id\tname\tregion\tcurrency\ttime_zone\tdate_format");
            foreach (var shop in shops)
            {
                Console.WriteLine($"{shop.ShopId}\t{shop.ShopName}\t{shop.Region}\t{shop.Currency}\t{shop.TimeZone}\t{shop.DateFormat ?? "-"}");
            }
        });

        return new Command("shop", "Declare the shops of a seller without an API app, and list them") { add, list };
    }
}
