using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;

namespace Sparkle.Media.Mixing;

/// <summary>Drives every conference mixer of the process from one dedicated thread every 20 ms. It
/// sleeps (never spins) between ticks: a millisecond of clock jitter is absorbed by the receivers'
/// jitter buffers, while spinning would burn a core. Ticks that run late are caught up without
/// bursting after a long stall.</summary>
public sealed partial class MixerClock : IDisposable
{
    // A monitor, not Lock: waiting on it allocates nothing (media-workers/ARCHITECTURE.md, "Locks").
    private readonly object _lock = new();
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private ConferenceMixer[] _mixers = [];
    private long _busyNanoseconds;
    private volatile bool _held;
    private readonly Histogram<double>? _tickDuration;

    /// <summary>A stall this long (the process frozen: a paused VM, SIGSTOP) may have outlived the worker's place in the
    /// fleet: the registry probes a worker silent for a second and moves its calls when it does not answer.</summary>
    public static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(1);

    /// <param name="tickDuration">Receives each tick's wall time in seconds (ticks with no mixer are not
    /// recorded); recording without tags allocates nothing.</param>
    public MixerClock(Histogram<double>? tickDuration = null)
    {
        _tickDuration = tickDuration;
        _thread = new Thread(Run) { IsBackground = true, Name = "mixer-clock", Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>Raised on the clock thread when it wakes from a stall longer than <see cref="StallLimit"/>; the clock has
    /// then held every mixer (nothing mixed, nothing sent) until <see cref="Release"/>, so that calls moved elsewhere while
    /// the process was frozen do not get a second stream from here.</summary>
    public event Action<TimeSpan>? Stalled;

    /// <summary>Whether a stall holds the mixers: only a worker that a fleet registry can declare dead needs it (one that
    /// nothing would release again must not hold).</summary>
    public bool HoldOnStall { get; set; }

    /// <summary>Mixers are held after a stall (see <see cref="Stalled"/>).</summary>
    public bool Held => _held;

    /// <summary>Ends the hold: the worker's place was confirmed (or the legs that moved were released).</summary>
    public void Release() => _held = false;

    /// <summary>Raised when a mixer's tick throws; the clock keeps running.</summary>
    public event Action<ConferenceMixer, Exception>? TickFailed;

    /// <summary>CPU time the clock thread spent inside ticks (thread CPU time on Linux).</summary>
    public TimeSpan BusyTime => TimeSpan.FromTicks(Interlocked.Read(ref _busyNanoseconds) / 100);

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
            if (wait > TimeSpan.Zero)
            {
                // Round up: Thread.Sleep(TimeSpan) truncates to whole ms, and a sub-ms remainder became
                // Sleep(0), i.e. sched_yield spinning for the last ms of every tick (~1.5% of a core).
                Thread.Sleep((int)Math.Ceiling(wait.TotalMilliseconds));
                continue;
            }
            var behind = clock.Elapsed - next;
            if (behind > StallLimit && HoldOnStall)
            {
                _held = true;
                Stalled?.Invoke(behind);
            }
            var started = ThreadCpuNanoseconds();
            var startedAt = Stopwatch.GetTimestamp();
            ConferenceMixer[] mixers = _held ? [] : Volatile.Read(ref _mixers);
            foreach (var mixer in mixers)
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
            Interlocked.Add(ref _busyNanoseconds, ThreadCpuNanoseconds() - started);
            if (mixers.Length > 0)
            {
                _tickDuration?.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
            }
            next += period;
            if (clock.Elapsed - next > TimeSpan.FromMilliseconds(200))
            {
                next = clock.Elapsed + period; // far behind (paused VM): resynchronise rather than burst
            }
        }
    }

    private static long ThreadCpuNanoseconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuClock, out var time) == 0)
        {
            return (time.Seconds * 1_000_000_000L) + time.Nanoseconds;
        }
        return Stopwatch.GetTimestamp() * (1_000_000_000L / Stopwatch.Frequency);
    }

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
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
