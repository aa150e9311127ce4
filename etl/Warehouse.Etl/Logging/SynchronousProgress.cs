namespace Warehouse.Logging;

/// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
