using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Sparkle.Grains.Usage;

/// <summary>Writes usage records to the ledger in the background, so a call's end never waits on PostgreSQL and a
/// record is not lost while PostgreSQL is briefly away: a failed batch is retried (backing off up to
/// <see cref="UsageWriterOptions.MaxRetryDelay"/>) until it is written. The queue is bounded: when it is full (the
/// database has been away for a long time) a new record is refused and logged, never the silo's memory exhausted.
/// One per silo (a singleton); records queued when the silo stops are flushed for up to
/// <see cref="UsageWriterOptions.FlushOnStop"/>, and anything left then is logged record by record.</summary>
public sealed class UsageWriter : IAsyncDisposable
{
    private const int BatchSize = 200;

    private readonly IUsageLedger _ledger;
    private readonly ILogger<UsageWriter> _logger;
    private readonly UsageWriterOptions _options;
    private readonly Channel<object> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _pending;
    private long _written;

    public UsageWriter(IUsageLedger ledger, ILogger<UsageWriter> logger, UsageWriterOptions? options = null)
    {
        _ledger = ledger;
        _logger = logger;
        _options = options ?? new UsageWriterOptions();
        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(_options.Capacity) { SingleReader = true });
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Records queued or being written.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Records written since start.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Queues a leg; false (and an error logged) when the queue is full.</summary>
    public bool Enqueue(LegUsageRecord leg) => TryQueue(leg, $"leg {leg.LegId} of meeting {leg.MeetingId}");

    /// <summary>Queues a recording part; false (and an error logged) when the queue is full.</summary>
    public bool Enqueue(RecordingUsageRecord part) => TryQueue(part, $"recording {part.RecordingId} part {part.PartIndex}");

    private bool TryQueue(object record, string what)
    {
        Interlocked.Increment(ref _pending);
        if (_queue.Writer.TryWrite(record))
        {
            return true;
        }

        Interlocked.Decrement(ref _pending);
        _logger.LogError("Usage record dropped, the queue of {Capacity} is full (the ledger has been failing): {Record}: {@Detail}",
            _options.Capacity, what, record);
        return false;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<object>(BatchSize);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token))
            {
                while (batch.Count < BatchSize && reader.TryRead(out var record))
                {
                    batch.Add(record);
                }

                await WriteWithRetryAsync(batch, _stop.Token);
                Interlocked.Add(ref _pending, -batch.Count);
                Interlocked.Add(ref _written, batch.Count);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            foreach (var record in batch.Concat(DrainQueue()))
            {
                _logger.LogError("Usage record not written before the silo stopped: {@Record}", record);
            }
        }
    }

    private IEnumerable<object> DrainQueue()
    {
        while (_queue.Reader.TryRead(out var record))
        {
            yield return record;
        }
    }

    private async Task WriteWithRetryAsync(List<object> batch, CancellationToken cancellationToken)
    {
        var delay = _options.FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var legs = batch.OfType<LegUsageRecord>().ToList();
                if (legs.Count > 0)
                {
                    await _ledger.AppendLegsAsync(legs, cancellationToken);
                }

                var parts = batch.OfType<RecordingUsageRecord>().ToList();
                if (parts.Count > 0)
                {
                    await _ledger.AppendRecordingsAsync(parts, cancellationToken);
                }

                if (attempt > 1)
                {
                    _logger.LogInformation("Usage records written after {Attempts} attempts ({Count} records)", attempt, batch.Count);
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Appends are idempotent, so writing the whole batch again is safe even if part of it got through.
                _logger.LogWarning(e, "Writing {Count} usage records failed (attempt {Attempt}); retrying in {Delay}", batch.Count, attempt, delay);
                await Task.Delay(delay, _options.Time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>Stops taking records and gives the queued ones <see cref="UsageWriterOptions.FlushOnStop"/> to be written.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(_options.FlushOnStop);
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync();
            await _loop;
        }

        _stop.Dispose();
    }
}

public sealed class UsageWriterOptions
{
    /// <summary>Records held while the ledger is away; past this, new ones are refused and logged.</summary>
    public int Capacity { get; init; } = 50_000;

    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan FlushOnStop { get; init; } = TimeSpan.FromSeconds(10);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
