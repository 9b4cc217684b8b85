namespace Sparkle.Client;

/// <summary>Where a <see cref="MeetingFeed"/> stands.</summary>
public enum MeetingFeedState { Connecting, Live, Reconnecting, Stopped }

/// <summary>A meeting's events that survive network blips and API host restarts. Every (re)connection first
/// catches up (the caller re-reads the meeting and returns its version), then subscribes with afterVersion, so
/// the events in between are replayed by the server. Versions are consecutive: a gap means events were missed
/// (the server's log is bounded), and the feed catches up again instead of guessing. Reconnects back off
/// exponentially with jitter, from 0.5 s up to 15 s; the token is asked for at each connection, so a refreshed
/// one is used. Works in the browser (WebAssembly's ClientWebSocket; the token goes in connection_init).</summary>
public sealed class MeetingFeed : IAsyncDisposable
{
    private const string Subscription =
        "subscription($m: ID!, $v: Long) { meetingEvents(meetingId: $m, afterVersion: $v) { meetingId version at kind detail participant { "
        + SparkleClient.LiveParticipantFields + " } } }";

    private static readonly TimeSpan MinDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(15);

    private readonly Uri _endpoint;
    private readonly Guid _meetingId;
    private readonly Func<CancellationToken, Task<string?>> _token;
    private readonly Func<CancellationToken, Task<long>> _catchUp;
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    /// <param name="endpoint">The /graphql URL.</param>
    /// <param name="token">A valid access token at each connection (null: none).</param>
    /// <param name="catchUp">Re-reads the meeting, applies it, and returns its version.</param>
    public MeetingFeed(Uri endpoint, Guid meetingId, Func<CancellationToken, Task<string?>> token, Func<CancellationToken, Task<long>> catchUp)
    {
        _endpoint = endpoint;
        _meetingId = meetingId;
        _token = token;
        _catchUp = catchUp;
    }

    public MeetingFeedState State { get; private set; } = MeetingFeedState.Connecting;

    /// <summary>The version of the last event applied (or caught up to).</summary>
    public long Version { get; private set; }

    /// <summary>How many times the feed has connected (1 on the first connection).</summary>
    public int Connections { get; private set; }

    /// <summary>When the feed will try again, while reconnecting.</summary>
    public TimeSpan? RetryIn { get; private set; }

    /// <summary>The last failure, while reconnecting.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Each event in version order, never twice.</summary>
    public event Action<MeetingEvent>? EventReceived;

    public event Action<MeetingFeedState>? StateChanged;

    public void Start() => _run ??= RunAsync(_stop.Token);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_run is not null)
        {
            await _run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stop.Dispose();
        SetState(MeetingFeedState.Stopped);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            var caughtUpBefore = false;
            try
            {
                Version = await _catchUp(stop);
                var token = await _token(stop);
                await using var connection = await SparkleSubscriptionClient.ConnectAsync(_endpoint, token, stop);
                var stream = await connection.SubscribeAsync(Subscription, new { m = _meetingId, v = Version }, stop);
                Connections++;
                failures = 0;
                LastError = null;
                RetryIn = null;
                SetState(MeetingFeedState.Live);
                await foreach (var response in stream.WithCancellation(stop))
                {
                    var meetingEvent = response.Get<MeetingEvent>("meetingEvents");
                    if (meetingEvent.Version <= Version)
                    {
                        continue;
                    }
                    if (meetingEvent.Version != Version + 1)
                    {
                        // Missed events: read the meeting again rather than apply a change on a stale picture.
                        caughtUpBefore = true;
                        break;
                    }
                    Version = meetingEvent.Version;
                    EventReceived?.Invoke(meetingEvent);
                }
                // The server ended the stream (a restart, or a gap above): catch up and subscribe again.
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LastError = e;
            }
            if (caughtUpBefore)
            {
                continue;
            }
            var delay = Backoff(failures++);
            RetryIn = delay;
            SetState(MeetingFeedState.Reconnecting);
            try
            {
                await Task.Delay(delay, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            SetState(MeetingFeedState.Connecting);
        }
    }

    private static TimeSpan Backoff(int failures)
    {
        var ms = Math.Min(MaxDelay.TotalMilliseconds, MinDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 10)));
        return TimeSpan.FromMilliseconds(ms * (0.75 + Random.Shared.NextDouble() * 0.5));
    }

    private void SetState(MeetingFeedState state)
    {
        if (State != state)
        {
            State = state;
            StateChanged?.Invoke(state);
        }
    }
}
