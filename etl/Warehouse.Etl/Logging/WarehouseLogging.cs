using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;
using Warehouse.Database;

namespace Warehouse.Logging;

/// <summary>
/// The one Serilog setup of the CLI and the service: human lines on the console, compact JSON in a
/// daily rolling file (Warehouse:Logging:Folder, default .warehouse/logs), Seq when
/// Warehouse:Logging:SeqUrl is set, and a "Serilog" section for level overrides. Every line is
/// enriched from the log context (RunId, Job, Shop) and every secret is masked in every sink.
/// </summary>
public static class WarehouseLogging
{
    public const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    /// <summary>The console's level: progress bars raise it to Warning while they draw, so log lines do not tear them.</summary>
    public static LoggingLevelSwitch ConsoleLevel { get; } = new(LogEventLevel.Information);

    public sealed record Settings(string Folder, bool WriteFile, int RetainedFiles, string? SeqUrl, string? SeqApiKey)
    {
        public static Settings From(IConfiguration configuration)
        {
            var section = configuration.GetSection("Warehouse:Logging");
            var folder = configuration["WAREHOUSE_LOG_FOLDER"] ?? section["Folder"];
            return new Settings(
                string.IsNullOrWhiteSpace(folder) ? Path.Combine(RepositoryRoot.Find(), ".warehouse", "logs") : Path.GetFullPath(folder),
                !string.Equals(section["File"], "false", StringComparison.OrdinalIgnoreCase),
                int.TryParse(section["RetainedFiles"], out var retained) && retained > 0 ? retained : 14,
                string.IsNullOrWhiteSpace(section["SeqUrl"]) ? null : section["SeqUrl"],
                string.IsNullOrWhiteSpace(section["SeqApiKey"]) ? null : section["SeqApiKey"]);
        }
    }

    /// <summary>The logger for this process, from configuration (appsettings, user secrets, environment).</summary>
    public static Logger CreateLogger(IConfiguration configuration, Settings? settings = null)
    {
        settings ??= Settings.From(configuration);
        SecretValues.AddFrom(configuration);
        SecretValues.Add(settings.SeqApiKey);

        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Application", "warehouse")
            .Enrich.WithProperty("ProcessId", Environment.ProcessId)
            .Enrich.With<MaskingEnricher>()
            .WriteTo.Console(
                new MaskingFormatter(new MessageTemplateTextFormatter(ConsoleTemplate, System.Globalization.CultureInfo.InvariantCulture)),
                levelSwitch: ConsoleLevel,
                standardErrorFromLevel: LogEventLevel.Warning);

        if (settings.WriteFile)
        {
            logger = logger.WriteTo.File(
                new MaskingFormatter(new CompactJsonFormatter()),
                Path.Combine(settings.Folder, "warehouse-.json"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: settings.RetainedFiles,
                shared: true);
        }

        if (settings.SeqUrl is not null)
        {
            logger = logger.WriteTo.Seq(settings.SeqUrl, apiKey: settings.SeqApiKey, payloadFormatter: new MaskingFormatter(new CompactJsonFormatter()));
        }

        return logger.CreateLogger();
    }
}
