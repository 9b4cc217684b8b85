using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;

namespace Sparkle.Gateway.Conference;

/// <summary>This gateway's observer of one meeting, shared by all its subscribers to that meeting. The
/// meeting's subscriptions expire, so the watcher renews every minute while it has subscribers.</summary>
public sealed class MeetingWatcher : IMeetingObserver
{
    private static readonly TimeSpan s_renewEvery = TimeSpan.FromSeconds(50);

    private readonly IGrainFactory _grains;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ConferenceSubscription, byte> _subscriptions = new();
    private readonly Action<MeetingWatcher> _onEmpty;
    private IMeetingObserver? _reference;
    private Timer? _renewal;

    internal MeetingWatcher(IGrainFactory grains, Guid tenantId, Guid meetingId, ILogger logger, Action<MeetingWatcher> onEmpty)
    {
        _grains = grains;
        TenantId = tenantId;
        MeetingId = meetingId;
        _logger = logger;
        _onEmpty = onEmpty;
    }

    public Guid TenantId { get; }
    public Guid MeetingId { get; }
    public int Count => _subscriptions.Count;
    public IEnumerable<ConferenceSubscription> Subscriptions => _subscriptions.Keys;

    private IMeetingGrain Meeting => _grains.GetGrain<IMeetingGrain>(MeetingId);

    public async Task StartAsync()
    {
        // Orleans holds observers weakly: this watcher keeps itself alive through the notifier's table.
        _reference = _grains.CreateObjectReference<IMeetingObserver>(this);
        await Meeting.SubscribeAsync(Caller.System(TenantId), _reference);
        _renewal = new Timer(_ => _ = RenewAsync(), null, s_renewEvery, s_renewEvery);
    }

    public void Add(ConferenceSubscription subscription) => _subscriptions[subscription] = 0;

    public void Remove(ConferenceSubscription subscription)
    {
        if (_subscriptions.TryRemove(subscription, out _) && _subscriptions.IsEmpty)
        {
            _onEmpty(this);
        }
    }

    public async Task StopAsync()
    {
        if (_renewal is not null)
        {
            await _renewal.DisposeAsync();
        }
        if (_reference is not null)
        {
            try
            {
                await Meeting.UnsubscribeAsync(_reference);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _logger.LogDebug("Unsubscribe from {MeetingId} failed: {Message}", MeetingId, ex.Message);
            }
            _grains.DeleteObjectReference<IMeetingObserver>(_reference);
        }
    }

    public async Task OnMeetingEventAsync(MeetingEvent meetingEvent)
    {
        try
        {
            switch (meetingEvent.Kind)
            {
                case MeetingEventKind.MeetingEnded or MeetingEventKind.MeetingDeleted:
                    foreach (var s in _subscriptions.Keys)
                    {
                        await s.TerminateAsync("noresource");
                        Remove(s);
                    }
                    break;
                case MeetingEventKind.ParticipantAdded or MeetingEventKind.ParticipantChanged or MeetingEventKind.ParticipantRemoved:
                    await Task.WhenAll(_subscriptions.Keys.Select(s => s.SendPartialAsync(meetingEvent)));
                    break;
                case MeetingEventKind.MeetingChanged or MeetingEventKind.MeetingStarted:
                    if (await Meeting.GetAsync(Caller.System(TenantId)) is { } snapshot)
                    {
                        await Task.WhenAll(_subscriptions.Keys.Select(s => s.SendFullAsync(snapshot)));
                    }
                    break;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning("Conference notification for {MeetingId} failed: {Message}", MeetingId, ex.Message);
        }
    }

    private async Task RenewAsync()
    {
        try
        {
            if (_reference is not null)
            {
                await Meeting.SubscribeAsync(Caller.System(TenantId), _reference);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogInformation("Renewing the subscription to {MeetingId} failed: {Message}", MeetingId, ex.Message);
        }
    }
}
