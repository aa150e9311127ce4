using System.CommandLine;
using Serilog;
using Warehouse.Control;
using Warehouse.Database;
using Warehouse.Import;
using Warehouse.Logging;

namespace Warehouse.Cli;

/// <summary>`warehouse import PATH...`: Seller Center and Ads Manager exports and the seller's own files into staging.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "CSV or XLSX files, or folders of them (each folder loads whole, in dependency order, as the scheduled seller-files step does)", Arity = ArgumentArity.OneOrMore };
        var kind = new Option<string?>("--kind") { Description = $"File kind (else detected from the header): {string.Join(", ", FileImporter.Kinds().Select(k => k.Name))}" };
        var shop = new Option<string?>("--shop") { Description = "The shop the files belong to (its currency, time zone and catalogue come from stg.shop and stg.product_sku)" };
        var advertiser = new Option<string?>("--advertiser") { Description = "The advertiser of Ads Manager / GMV Max exports" };
        var dateFormat = new Option<string?>("--date-format") { Description = "The shop's Seller Center time format, e.g. \"MM/dd/yyyy hh:mm:ss tt\" (US) or \"dd/MM/yyyy HH:mm:ss\"" };
        var maxRejectRate = new Option<decimal>("--max-reject-rate") { Description = "Largest share of bad rows a file may have and still load its good rows", DefaultValueFactory = _ => 0.01m };
        var lockTimeout = CliContext.LockTimeout();
        var encoding = new Option<string?>("--encoding") { Description = $"The encoding of CSV files that are not UTF-8 (a byte-order mark or valid UTF-8 wins): {Stage.TextEncoding.Declared}" };
        var command = new Command("import", "Import Seller Center / Ads Manager exports and the seller's own cost, map, touchpoint and setting files")
        {
            paths, kind, shop, advertiser, dateFormat, maxRejectRate, encoding, lockTimeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = new CliContext();
            var options = new ImportOptions(parse.GetValue(kind), parse.GetValue(shop), parse.GetValue(advertiser), parse.GetValue(dateFormat), Encoding: parse.GetValue(encoding));
            if (options.Encoding is not null)
            {
                Stage.TextEncoding.Named(options.Encoding); // an unknown name stops before anything runs
            }

            var given = parse.GetValue(paths)!;
            var folders = given.Where(Directory.Exists).ToList();
            var files = given.Where(p => !Directory.Exists(p)).ToArray();
            await context.RunAsync("import", string.Join(' ', parse.Tokens.Select(t => t.Value)), async (connection, runId) =>
            {
                await using var staging = await context.StagingLockAsync("import", parse.GetValue(lockTimeout), cancellationToken);
                if (options.ShopId is null && await OnlyShopAsync(connection) is { } only)
                {
                    options = options with { ShopId = only };
                    Console.WriteLine($"shop {only} (the only shop declared)");
                }

                foreach (var folder in folders)
                {
                    // One code path with the scheduled seller-files step: the folder's files in dependency order, each a step of this run.
                    await new SellerFiles(context.Database, parse.GetValue(maxRejectRate)).LoadAsync(folder, runId, options,
                        new SynchronousProgress<SellerFiles.FileResult>(r => Console.WriteLine($"{r.File}: {r.Kind}, {r.RowsRead:N0} rows read, {r.RowsWritten:N0} written, {r.RowsRejected:N0} rejected")));
                }

                var importer = new FileImporter(context.Database, parse.GetValue(maxRejectRate));
                var failures = new List<string>();
                foreach (var file in files)
                {
                    try
                    {
                        await new RunLog(context.Database).StepAsync(connection, runId, "import " + file, async () =>
                        {
                            var result = await importer.ImportAsync(file, runId, options);
                            Console.WriteLine($"{file}: {result.Kind}, {result.RowsRead:N0} rows read, {result.RowsWritten:N0} written, {result.Rejects.Count:N0} rejected");
                            foreach (var reject in result.Rejects.Take(20))
                            {
                                Console.WriteLine($"  row {reject.RowNumber}, column {reject.FieldName}: {reject.Reason}");
                            }

                            return new StepResult(result.RowsRead, result.RowsWritten, result.Rejects.Count);
                        });
                    }
                    catch (WarehouseException error)
                    {
                        Log.Warning("{Error}", error.Message);
                        Console.Error.WriteLine($"error: {error.Message}");
                        failures.Add(error.Message);
                    }
                }

                if (failures.Count > 0)
                {
                    throw new WarehouseException($"{failures.Count} of {files.Length} file(s) not loaded (see above)");
                }

                return files.Length;
            });
        });
        return command;
    }

    /// <summary>The shop id when exactly one shop is staged (an export-only seller with one shop need not repeat --shop).</summary>
    private static async Task<string?> OnlyShopAsync(System.Data.Common.DbConnection connection)
    {
        var shops = (await Dapper.SqlMapper.QueryAsync<string>(connection, "SELECT shop_id FROM stg.shop")).ToList();
        return shops.Count == 1 ? shops[0] : null;
    }
}
