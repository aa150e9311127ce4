namespace Warehouse.Sample;

/// <summary>
/// Deterministic random streams. Every stream (catalogue of shop 2, orders of shop 1 on day 17, …)
/// gets its own <see cref="Random"/> seeded from the run seed and the stream's name, so that streams
/// never disturb each other and the output is the same on every machine.
/// </summary>
internal static class SampleRandom
{
    public static Random For(int seed, string stream, int a = 0, int b = 0)
    {
        ulong hash = 14695981039346656037UL; // FNV-1a of the stream name: stable, unlike string.GetHashCode
        foreach (char c in stream)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        hash = Mix(hash ^ (uint)seed);
        hash = Mix(hash ^ ((ulong)(uint)a << 32));
        hash = Mix(hash ^ (uint)b);
        return new Random((int)(hash & 0x7FFF_FFFF));
    }

    private static ulong Mix(ulong z) // SplitMix64 finaliser
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static bool Chance(this Random random, double probability) => random.NextDouble() < probability;

    public static double Between(this Random random, double low, double high) => low + random.NextDouble() * (high - low);

    /// <summary>A whole number in [low, high], both included.</summary>
    public static int Range(this Random random, int low, int high) => random.Next(low, high + 1);

    /// <summary>Seconds in [low, high).</summary>
    public static long Seconds(this Random random, TimeSpan low, TimeSpan high) =>
        (long)random.Between(low.TotalSeconds, high.TotalSeconds);

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public static void Shuffle<T>(this Random random, IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Index into a cumulative weight table (last entry = total).</summary>
    public static int PickCumulative(this Random random, double[] cumulative)
    {
        double x = random.NextDouble() * cumulative[^1];
        int index = Array.BinarySearch(cumulative, x);
        if (index < 0) index = ~index;
        return Math.Min(index, cumulative.Length - 1);
    }
}
