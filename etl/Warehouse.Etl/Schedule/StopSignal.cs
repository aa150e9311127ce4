using System.Runtime.InteropServices;
using Serilog;

namespace Warehouse.Schedule;

/// <summary>
/// Ctrl+C, SIGTERM and SIGQUIT for a CLI command that stops cleanly (`warehouse run`): the first signal
/// cancels <see cref="Token"/> (the step in flight finishes or rolls back, nothing after it starts);
/// a second one is left to the runtime and ends the process at once.
/// </summary>
public sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly List<PosixSignalRegistration> registrations = [];

    public StopSignal()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT })
        {
            registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
    }

    public CancellationToken Token => source.Token;

    public PosixSignal? Received { get; private set; }

    /// <summary>The conventional exit code of a process stopped by the signal: 130 for Ctrl+C, 143 for SIGTERM.</summary>
    public int ExitCode => Received == PosixSignal.SIGINT ? 130 : Received == PosixSignal.SIGQUIT ? 131 : 143;

    private void OnSignal(PosixSignalContext context)
    {
        if (source.IsCancellationRequested)
        {
            return; // second signal: the default, which ends the process now
        }

        context.Cancel = true;
        Received = context.Signal;
        Log.Warning("{Signal}: stopping; the step in flight finishes or rolls back (a second signal ends the process at once)", context.Signal);
        _ = Task.Run(source.Cancel);
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        source.Dispose();
    }
}
