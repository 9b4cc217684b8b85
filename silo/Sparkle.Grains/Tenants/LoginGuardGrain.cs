namespace Sparkle.Grains.Tenants;

/// <summary>Failed sign-ins of one account or address in a sliding window (see <see cref="ILoginGuardGrain"/>).
/// The caller passes the time, so the API host's clock (a manual one in tests) decides; only failures up to
/// "now" count.</summary>
public sealed class LoginGuardGrain : Grain, ILoginGuardGrain
{
    private const int MaxKept = 1_000;
    private readonly List<DateTimeOffset> _failures = [];

    public Task<TimeSpan?> CheckAsync(DateTimeOffset now, int maxFailures, TimeSpan window)
    {
        var recent = _failures.Where(t => t > now - window && t <= now).Order().ToList();
        if (maxFailures <= 0 || recent.Count < maxFailures)
        {
            return Task.FromResult<TimeSpan?>(null);
        }

        // Allowed again once enough of the recent failures have left the window to drop below the limit.
        var freedAt = recent[recent.Count - maxFailures] + window;
        var wait = freedAt - now;
        return Task.FromResult<TimeSpan?>(wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1));
    }

    public Task RecordFailureAsync(DateTimeOffset now, TimeSpan window)
    {
        _failures.RemoveAll(t => t <= now - window);
        _failures.Add(now);
        if (_failures.Count > MaxKept)
        {
            _failures.RemoveAt(0);
        }

        return Task.CompletedTask;
    }

    public Task ResetAsync()
    {
        _failures.Clear();
        return Task.CompletedTask;
    }
}
