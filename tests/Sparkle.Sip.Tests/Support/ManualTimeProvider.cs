namespace Sparkle.Sip.Tests.Support;

/// <summary>A clock that moves only when the test says so; due timers fire synchronously inside Advance,
/// in due order, so timer sequences are deterministic.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due is { } d && d <= target).OrderBy(t => t.Due).FirstOrDefault();
                if (next is null)
                {
                    _now = target;
                    return;
                }
                _now = next.Due!.Value;
                next.Due = next.Period is { } p ? _now + p : null;
            }
            next.Fire();
        }
    }

    /// <summary>How long until the earliest armed timer fires, if one fires within <paramref name="horizon"/>: lets a test
    /// wait until work running on the thread pool has armed its timer before moving the clock.</summary>
    public TimeSpan? NextDueWithin(TimeSpan horizon)
    {
        lock (_gate)
        {
            var next = _timers.Where(t => t.Due is { } d && d <= _now + horizon).Select(t => t.Due!.Value).DefaultIfEmpty().Min();
            return next == default ? null : next - _now;
        }
    }

    /// <summary>Advances in small steps so that work queued to the thread pool between timers can run.</summary>
    public void AdvanceInSteps(TimeSpan by, TimeSpan step)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < by; elapsed += step)
        {
            Advance(step);
            Thread.Sleep(1);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }
        public TimeSpan? Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                if (!owner._timers.Contains(this))
                {
                    owner._timers.Add(this);
                }
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
            }
            return true;
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                Due = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
