namespace Sparkle.Recordings;

public sealed class UploadSpoolOptions
{
    /// <summary>Local bytes waiting for upload before <see cref="UploadSpool.EnqueueAsync(string, string, Func{Task}, CancellationToken)"/>
    /// makes callers wait. One item larger than the budget is still taken when the spool is empty.</summary>
    public long BudgetBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>First wait after a failed upload or report; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An upload attempt taking longer counts as failed (a store that is slow, not down).</summary>
    public TimeSpan UploadTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock for backoff waits and timeouts (tests pass their own).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
