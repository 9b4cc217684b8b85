using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;

namespace Sparkle.GraphQL.Webhooks;

/// <summary>Watches the meetings of tenants that have webhooks (one Orleans observer, subscriptions renewed
/// every minute) and turns their events into webhook deliveries. A per-meeting cursor in PostgreSQL makes
/// restarts neither lose nor repeat notifications. Runs only on the leading API host.</summary>
public sealed class MeetingWebhookWatcher(
    IGrainFactory grains,
    WebhookStore store,
    WebhookSender sender,
    IOptions<WebhookOptions> options,
    ILogger<MeetingWebhookWatcher> logger) : IMeetingObserver
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<Guid, WatchedMeeting> _watched = new();
    private readonly Channel<MeetingEvent> _events = Channel.CreateUnbounded<MeetingEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<(Guid TenantId, Guid MeetingId)> _hints = new();
    private readonly SemaphoreSlim _wake = new(0);
    private IMeetingObserver? _reference;

    /// <summary>The API just created or started this meeting: watch it now rather than at the next discovery.</summary>
    public void Hint(Guid tenantId, Guid meetingId)
    {
        _hints.Enqueue((tenantId, meetingId));
        Wake();
    }

    /// <summary>Webhooks changed: look for meetings to watch now.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    public Task OnMeetingEventAsync(MeetingEvent meetingEvent)
    {
        _events.Writer.TryWrite(meetingEvent);
        return Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _reference = grains.CreateObjectReference<IMeetingObserver>(this);
        try
        {
            await Task.WhenAll(DiscoverLoopAsync(cancellationToken), EventLoopAsync(cancellationToken), RenewLoopAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var meetingId in _watched.Keys)
            {
                await StopWatchingAsync(meetingId);
            }
            grains.DeleteObjectReference<IMeetingObserver>(_reference);
            _reference = null;
        }
    }

    private async Task DiscoverLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var tenants = await store.TenantsWithWebhooksAsync(cancellationToken);
                await WatchHintedAsync(tenants, cancellationToken);
                foreach (var (tenantId, since) in tenants)
                {
                    var ids = await grains.GetGrain<ITenantCatalogGrain>(tenantId).ListMeetingsAsync(Caller.System(tenantId));
                    foreach (var meetingId in ids.Where(id => !_watched.ContainsKey(id)))
                    {
                        await TryWatchAsync(tenantId, meetingId, since, cancellationToken);
                        // Meetings the API just created go first, even during a long sweep.
                        await WatchHintedAsync(tenants, cancellationToken);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Webhook meeting discovery failed; retrying");
            }
            await _wake.WaitAsync(TimeSpan.FromSeconds(options.Value.DiscoverySeconds), cancellationToken);
        }
    }

    private async Task WatchHintedAsync(IReadOnlyDictionary<Guid, DateTimeOffset> tenants, CancellationToken cancellationToken)
    {
        while (_hints.TryDequeue(out var hint))
        {
            if (tenants.TryGetValue(hint.TenantId, out var since) && !_watched.ContainsKey(hint.MeetingId))
            {
                await TryWatchAsync(hint.TenantId, hint.MeetingId, since, cancellationToken);
            }
        }
    }

    /// <summary>One meeting that cannot be watched (deleted meanwhile, unreachable) must not stop the others.</summary>
    private async Task TryWatchAsync(Guid tenantId, Guid meetingId, DateTimeOffset webhooksSince, CancellationToken cancellationToken)
    {
        try
        {
            await WatchAsync(tenantId, meetingId, webhooksSince, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _watched.TryRemove(meetingId, out _);
            logger.LogDebug(ex, "Cannot watch meeting {Meeting} for webhooks yet", meetingId);
        }
    }

    private async Task WatchAsync(Guid tenantId, Guid meetingId, DateTimeOffset webhooksSince, CancellationToken cancellationToken)
    {
        var caller = Caller.System(tenantId);
        var meeting = grains.GetGrain<IMeetingGrain>(meetingId);
        var snapshot = await meeting.GetAsync(caller);
        if (snapshot is null)
        {
            return;
        }
        // Without a cursor: a meeting created after the tenant's first webhook is replayed from its start
        // (so "scheduled" is not lost); an older one is followed from now on.
        var start = await store.GetCursorAsync(meetingId, cancellationToken)
            ?? (snapshot.CreatedAt >= webhooksSince ? 0 : snapshot.Version);
        if (snapshot.Status == MeetingStatus.Ended && start >= snapshot.Version)
        {
            await store.SetCursorAsync(tenantId, meetingId, snapshot.Version, cancellationToken);
            return;
        }
        if (!_watched.TryAdd(meetingId, new WatchedMeeting(tenantId, start)))
        {
            return;
        }
        await meeting.SubscribeAsync(caller, _reference!);
        foreach (var missed in await meeting.GetEventsSinceAsync(caller, start))
        {
            _events.Writer.TryWrite(missed);
        }
    }

    private async Task EventLoopAsync(CancellationToken cancellationToken)
    {
        await foreach (var meetingEvent in _events.Reader.ReadAllAsync(cancellationToken))
        {
            if (!_watched.TryGetValue(meetingEvent.MeetingId, out var watched) || meetingEvent.Version <= watched.LastVersion)
            {
                continue;
            }
            await ProcessAsync(watched, meetingEvent, cancellationToken);
        }
    }

    /// <summary>Queues the notification and advances the cursor; a database hiccup is retried rather than
    /// losing the event.</summary>
    private async Task ProcessAsync(WatchedMeeting watched, MeetingEvent meetingEvent, CancellationToken cancellationToken)
    {
        var type = watched.ToWebhookEvent(meetingEvent);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (type is not null)
                {
                    var queued = await store.EnqueueAsync(watched.TenantId, type, Payload(watched.TenantId, type, meetingEvent), cancellationToken);
                    if (queued > 0)
                    {
                        sender.Wake();
                    }
                }
                watched.LastVersion = meetingEvent.Version;
                await store.SetCursorAsync(watched.TenantId, meetingEvent.MeetingId, meetingEvent.Version, cancellationToken);
                if (meetingEvent.Kind is MeetingEventKind.MeetingEnded or MeetingEventKind.MeetingDeleted)
                {
                    await StopWatchingAsync(meetingEvent.MeetingId);
                }
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < 5)
            {
                logger.LogWarning(ex, "Could not queue webhooks for meeting {Meeting} event {Version}; retrying", meetingEvent.MeetingId, meetingEvent.Version);
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
        }
    }

    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            foreach (var (meetingId, watched) in _watched)
            {
                try
                {
                    await grains.GetGrain<IMeetingGrain>(meetingId).SubscribeAsync(Caller.System(watched.TenantId), _reference!);
                }
                catch (Exception ex) when (ex is NotFoundException or AccessDeniedException)
                {
                    _watched.TryRemove(meetingId, out _);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogDebug(ex, "Renewing the webhook subscription of {Meeting} failed", meetingId);
                }
            }
        }
    }

    private async Task StopWatchingAsync(Guid meetingId)
    {
        if (!_watched.TryRemove(meetingId, out _) || _reference is null)
        {
            return;
        }
        try
        {
            await grains.GetGrain<IMeetingGrain>(meetingId).UnsubscribeAsync(_reference);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Unsubscribe from {Meeting} failed; it will expire", meetingId);
        }
    }

    private static string Payload(Guid tenantId, string type, MeetingEvent e) => JsonSerializer.Serialize(new
    {
        id = $"{e.MeetingId:N}-{e.Version}",
        type,
        tenantId,
        occurredAt = e.At,
        data = new
        {
            meetingId = e.MeetingId,
            version = e.Version,
            participant = e.Participant is { } p
                ? new { id = p.ParticipantId, uri = p.Uri, displayName = p.DisplayName, userNumber = p.UserNumber, state = p.State.ToString() }
                : null,
            detail = e.Detail,
        },
    }, s_json);

    /// <summary>What the watcher knows about one meeting.</summary>
    private sealed class WatchedMeeting(Guid tenantId, long lastVersion)
    {
        private readonly HashSet<string> _joined = [];

        public Guid TenantId { get; } = tenantId;

        public long LastVersion { get; set; } = lastVersion;

        public string? ToWebhookEvent(MeetingEvent e)
        {
            switch (e.Kind)
            {
                case MeetingEventKind.MeetingCreated:
                    return WebhookEventTypes.MeetingScheduled;
                case MeetingEventKind.MeetingStarted:
                    return WebhookEventTypes.MeetingStarted;
                case MeetingEventKind.MeetingEnded:
                    return WebhookEventTypes.MeetingEnded;
                case MeetingEventKind.ParticipantAdded or MeetingEventKind.ParticipantChanged when e.Participant is { } p:
                    if (p.State == CallState.Connected && _joined.Add(p.ParticipantId))
                    {
                        return WebhookEventTypes.ParticipantJoined;
                    }
                    return p.State == CallState.Disconnected && _joined.Remove(p.ParticipantId) ? WebhookEventTypes.ParticipantLeft : null;
                case MeetingEventKind.ParticipantRemoved when e.Participant is { } p:
                    _joined.Remove(p.ParticipantId);
                    return WebhookEventTypes.ParticipantLeft;
                default:
                    return null;
            }
        }
    }
}
