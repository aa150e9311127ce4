using Serilog.Events;
using Serilog.Formatting;

namespace Warehouse.Logging;

/// <summary>
/// Renders an event with the inner formatter, then masks secrets in the rendered text, so that the
/// message template, every property and the exception (stack trace and inner messages included) are
/// masked before they reach the console, the file or Seq.
/// </summary>
public sealed class MaskingFormatter(ITextFormatter inner) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        inner.Format(logEvent, buffer);
        output.Write(SecretValues.Mask(buffer.ToString()));
    }
}
