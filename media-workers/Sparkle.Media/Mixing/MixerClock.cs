using System.Diagnostics;

namespace Sparkle.Media.Mixing;

/// <summary>Drives every conference mixer of the process from one dedicated thread at a steady 20 ms,
/// catching up (without bursting) if a tick ran late. One thread keeps the mixes on one core's cache
/// and leaves the other cores to the network.</summary>
public sealed class MixerClock : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private ConferenceMixer[] _mixers = [];
    private long _busyTicks;

    public MixerClock()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "mixer-clock", Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>Raised when a mixer's tick throws; the clock keeps running.</summary>
    public event Action<ConferenceMixer, Exception>? TickFailed;

    /// <summary>Total time spent inside ticks (for load reporting).</summary>
    public TimeSpan BusyTime => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks));

    public void Start() => _thread.Start();

    public void Add(ConferenceMixer mixer)
    {
        lock (_lock)
        {
            _mixers = [.. _mixers, mixer];
        }
    }

    public void Remove(ConferenceMixer mixer)
    {
        lock (_lock)
        {
            _mixers = _mixers.Where(m => m != mixer).ToArray();
        }
    }

    private void Run()
    {
        var period = TimeSpan.FromMilliseconds(MixerOptions.FrameMs);
        var clock = Stopwatch.StartNew();
        var next = clock.Elapsed + period;
        while (!_stop.IsCancellationRequested)
        {
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(2))
            {
                Thread.Sleep(wait - TimeSpan.FromMilliseconds(1));
                continue;
            }
            while (clock.Elapsed < next)
            {
                Thread.SpinWait(50);
            }
            var started = clock.ElapsedTicks;
            foreach (var mixer in Volatile.Read(ref _mixers))
            {
                try
                {
                    mixer.Tick();
                }
                catch (Exception ex)
                {
                    TickFailed?.Invoke(mixer, ex);
                }
            }
            Interlocked.Add(ref _busyTicks, (long)((clock.ElapsedTicks - started) * (TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency)));
            next += period;
            if (clock.Elapsed - next > TimeSpan.FromMilliseconds(200))
            {
                next = clock.Elapsed + period; // far behind (paused VM): resynchronise rather than burst
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        if (_thread.IsAlive)
        {
            _thread.Join(TimeSpan.FromSeconds(1));
        }
        _stop.Dispose();
    }
}
