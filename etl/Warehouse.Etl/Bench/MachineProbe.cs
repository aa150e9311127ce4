using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Warehouse.Bench;

/// <summary>Load average and this process's peak working set (Linux: /proc; elsewhere what .NET reports).</summary>
public static class MachineProbe
{
    /// <summary>The 1-minute load average, or -1 where /proc/loadavg does not exist.</summary>
    public static double LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    /// <summary>Peak resident set since the process started or since the last <see cref="ResetPeak"/> (VmHWM).</summary>
    public static long PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64;
    }

    /// <summary>
    /// Resets the kernel's peak resident set of this process (writing 5 to /proc/self/clear_refs), so
    /// each phase reports its own peak. Returns false where that is not possible.
    /// </summary>
    public static bool ResetPeak()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return false;
        }

        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static BenchMachine Describe(double loadAverageStart, double loadAverageEnd) =>
        new(Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription, loadAverageStart, loadAverageEnd);
}
