namespace Warehouse.Transform;

/// <summary>
/// The settings of one transform run (profit model sections 2 and 4). By default the run is
/// incremental: it recomputes what changed in staging since the last transform (the first run
/// is a full one); <see cref="Full"/> forces a full rebuild; From/To are days recomputed as well.
/// Then the attribution windows and the allocation method.
/// </summary>
public sealed record TransformOptions(
    DateOnly? From = null,
    DateOnly? To = null,
    int ClickWindowDays = 7,
    int ViewWindowDays = 1,
    string AllocationMethod = "revenue",
    bool Full = false)
{
    public static readonly int[] ClickWindows = [1, 7, 14, 28];
    public static readonly int[] ViewWindows = [0, 1];
    public static readonly string[] AllocationMethods = ["revenue", "units", "margin"];

    public void Validate()
    {
        if (!ClickWindows.Contains(ClickWindowDays))
        {
            throw new Database.WarehouseException($"--click-window must be one of {string.Join(", ", ClickWindows)} days, not {ClickWindowDays}");
        }

        if (!ViewWindows.Contains(ViewWindowDays))
        {
            throw new Database.WarehouseException($"--view-window must be 0 or 1 day, not {ViewWindowDays}");
        }

        if (!AllocationMethods.Contains(AllocationMethod))
        {
            throw new Database.WarehouseException($"--method must be revenue, units or margin, not '{AllocationMethod}'");
        }

        if (From.HasValue != To.HasValue || From > To)
        {
            throw new Database.WarehouseException("--from and --to go together, with --from on or before --to");
        }
    }
}
