using Serilog.Core;
using Serilog.Events;

namespace Warehouse.Logging;

/// <summary>
/// Replaces string property values that hold a secret with their masked text, for sinks that do not
/// go through <see cref="MaskingFormatter"/> (and so that structured properties are clean at the source).
/// </summary>
public sealed class MaskingEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? replaced = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (value is ScalarValue { Value: string text })
            {
                var masked = SecretValues.Mask(text);
                if (!ReferenceEquals(masked, text) && masked != text)
                {
                    (replaced ??= []).Add(new LogEventProperty(name, new ScalarValue(masked)));
                }
            }
        }

        foreach (var property in replaced ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }
}
