namespace Warehouse.Sample;

/// <summary>Money helpers: decimal cents, rounded half away from zero.</summary>
internal static class Money
{
    public static decimal Cents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    /// <summary>A random draw turned into money: the double only picks, the amount is decimal.</summary>
    public static decimal Cents(double amount) => Cents((decimal)amount);

    /// <summary>A price point ending in .99, at least 1.99.</summary>
    public static decimal PricePoint(double amount) => Math.Max(1m, Math.Floor((decimal)amount)) + 0.99m;

    /// <summary>
    /// Splits <paramref name="total"/> into cents in proportion to <paramref name="weights"/> with the
    /// largest-remainder method (ties to the earlier part), so the parts always sum to the total;
    /// weights that sum to zero split equally.
    /// </summary>
    public static void Split(decimal total, ReadOnlySpan<decimal> weights, Span<decimal> parts)
    {
        int n = weights.Length;
        if (n == 0) return;
        decimal sign = total < 0 ? -1m : 1m;
        long cents = (long)Math.Round(Math.Abs(total) * 100m, MidpointRounding.AwayFromZero);
        decimal weightSum = 0m;
        foreach (var w in weights) weightSum += w;

        Span<long> whole = n <= 16 ? stackalloc long[n] : new long[n];
        Span<decimal> remainder = n <= 16 ? stackalloc decimal[n] : new decimal[n];
        long given = 0;
        for (int i = 0; i < n; i++)
        {
            decimal exact = weightSum > 0 ? cents * weights[i] / weightSum : (decimal)cents / n;
            whole[i] = (long)Math.Floor(exact);
            remainder[i] = exact - whole[i];
            given += whole[i];
        }
        for (long left = cents - given; left > 0; left--)
        {
            int best = 0;
            for (int i = 1; i < n; i++)
                if (remainder[i] > remainder[best]) best = i;
            whole[best]++;
            remainder[best] = -1m;
        }
        for (int i = 0; i < n; i++) parts[i] = sign * whole[i] / 100m;
    }
}
