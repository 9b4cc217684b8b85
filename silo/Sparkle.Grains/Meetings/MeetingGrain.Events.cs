using System.Globalization;
using Microsoft.Extensions.Logging;
using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Meetings;

/// <summary>The event stream (versioned, a bounded log for catch-up, observers that expire unless
/// renewed) and what the media plane reports.</summary>
public sealed partial class MeetingGrain
{
    /// <summary>Subscriptions lapse unless renewed (subscribers renew every minute).</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(2);
    private const int EventLogCapacity = 1_000;
    private const int MaxObservers = 1_000;

    private readonly Queue<MeetingEvent> _log = new();
    private readonly Dictionary<IMeetingObserver, DateTimeOffset> _observers = [];
    private string? _activeSpeaker;

    public async Task SubscribeAsync(Caller caller, IMeetingObserver observer)
    {
        await DemandAsync(caller, Operation.ViewMeeting);
        ArgumentNullException.ThrowIfNull(observer);
        PurgeExpiredObservers();
        if (!_observers.ContainsKey(observer) && _observers.Count >= MaxObservers)
        {
            throw new ValidationException("Too many subscribers.");
        }

        _observers[observer] = DateTimeOffset.UtcNow + SubscriptionLifetime;
    }

    public Task UnsubscribeAsync(IMeetingObserver observer)
    {
        if (observer is not null)
        {
            _observers.Remove(observer);
        }

        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<MeetingEvent>> GetEventsSinceAsync(Caller caller, long afterVersion)
    {
        await DemandAsync(caller, Operation.ViewMeeting);
        return _log.Where(e => e.Version > afterVersion).ToList();
    }

    public async Task OnMediaEventAsync(MediaEvent mediaEvent)
    {
        if (!S.Exists || mediaEvent is null || mediaEvent.MeetingId != Id)
        {
            return;
        }

        if (!IsFromTheRightWorker(mediaEvent))
        {
            logger.LogInformation("Meeting {MeetingId}: ignored {Kind} about {ParticipantId} from worker {WorkerId}, which no longer holds it",
                Id, mediaEvent.Kind, mediaEvent.ParticipantId, mediaEvent.WorkerId);
            return;
        }

        switch (mediaEvent.Kind)
        {
            case MediaEventKind.ActiveSpeakers:
                ApplyActiveSpeakers(mediaEvent.Detail);
                break;
            case MediaEventKind.Dtmf when Find(mediaEvent.ParticipantId) is { } record:
                await OnDigitsAsync(record, mediaEvent.Detail);
                break;
            case MediaEventKind.SsrcLearned when Find(mediaEvent.ParticipantId) is { } record:
                if (ApplySsrc(record, mediaEvent.Detail))
                {
                    Emit(MeetingEventKind.ParticipantChanged, record);
                    await SaveAsync();
                }

                break;
            case MediaEventKind.LegSilent when Find(mediaEvent.ParticipantId) is { State: CallState.Connected } record:
                // The worker heard nothing, not even RTCP, for its configured time: the call is dead.
                logger.LogInformation("Meeting {MeetingId}: {ParticipantId} sent no media ({Detail}); hanging up", Id, record.Id, mediaEvent.Detail);
                await HangUpAsync(record);
                await ReleaseLegAsync(record);
                MarkDisconnected(record, DisconnectionMethod.Failed, "no media");
                await SaveAsync();
                break;
            case MediaEventKind.LegFailed when Find(mediaEvent.ParticipantId) is { HasLeg: true } record:
                // A browser whose ICE checks never came or whose DTLS handshake failed: no media will flow.
                logger.LogInformation("Meeting {MeetingId}: the leg of {ParticipantId} failed ({Detail})", Id, record.Id, mediaEvent.Detail);
                await HangUpAsync(record);
                await ReleaseLegAsync(record);
                MarkDisconnected(record, DisconnectionMethod.Failed, mediaEvent.Detail);
                await SaveAsync();
                break;
            case MediaEventKind.LegClosed when Find(mediaEvent.ParticipantId) is { HasLeg: true } record:
                // A browser that closed its peer connection (left without telling the API): it departed.
                await ReleaseLegAsync(record);
                MarkDisconnected(record, DisconnectionMethod.Departed, null);
                await SaveAsync();
                break;
            case MediaEventKind.LegSilent or MediaEventKind.LegResumed:
                logger.LogInformation("Meeting {MeetingId}: {Kind} on {ParticipantId}", Id, mediaEvent.Kind, mediaEvent.ParticipantId);
                break;
        }
    }

    /// <summary>A leg's events count from the worker holding the leg, the meeting's from its home: a worker declared dead
    /// and come back (or one being drained) must not hang up or re-label calls that moved off it. Events without a worker
    /// id (older workers, tests) are taken as before.</summary>
    private bool IsFromTheRightWorker(MediaEvent mediaEvent)
    {
        if (mediaEvent.WorkerId is not { } from)
        {
            return true;
        }

        if (mediaEvent.ParticipantId is null)
        {
            return from == S.MediaWorkerId;
        }

        return Find(mediaEvent.ParticipantId) is not { } record || Placement.WorkerIdOf(record) == from;
    }

    /// <summary>Keypad digits, from the media (RFC 4733) or from SIP INFO: PIN entry while in the lobby,
    /// where they stay inside the grain (never published); otherwise an event, and the keypad controls.</summary>
    private async Task OnDigitsAsync(ParticipantRecord record, string? digits)
    {
        if (string.IsNullOrEmpty(digits))
        {
            return;
        }

        if (record.InLobby)
        {
            await OnPinDigitAsync(record, digits);
            return;
        }

        Emit(MeetingEventKind.DtmfReceived, record, digits.Length <= 16 ? digits : digits[..16]);
        await OnKeypadAsync(record, digits);
    }

    /// <summary>Speaking flags follow the mixer's list (loudest first); a new loudest is an event.
    /// Transient: not written to storage.</summary>
    private void ApplyActiveSpeakers(string? detail)
    {
        var ids = (detail ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        foreach (var record in S.Participants)
        {
            record.Speaking = record.HasLeg && ids.Contains(record.Id);
        }

        var loudest = (detail ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Find)
            .FirstOrDefault(p => p is { HasLeg: true });
        if (loudest is not null && loudest.Id != _activeSpeaker)
        {
            _activeSpeaker = loudest.Id;
            Emit(MeetingEventKind.ActiveSpeakerChanged, loudest, loudest.Id);
        }
    }

    /// <summary>"audio:1234" or "video:5678".</summary>
    private static bool ApplySsrc(ParticipantRecord record, string? detail)
    {
        var colon = detail?.IndexOf(':') ?? -1;
        if (colon <= 0 || !uint.TryParse(detail.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ssrc))
        {
            return false;
        }

        switch (detail![..colon])
        {
            case "audio" when record.AudioSsrc != ssrc:
                record.AudioSsrc = ssrc;
                return true;
            case "video" when record.VideoSsrc != ssrc:
                record.VideoSsrc = ssrc;
                return true;
            default:
                return false;
        }
    }

    private void Emit(MeetingEventKind kind, ParticipantRecord? participant = null, string? detail = null)
    {
        S.Version++;
        var meetingEvent = new MeetingEvent(Id, S.Version, DateTimeOffset.UtcNow, kind,
            participant is null ? null : ToSnapshot(participant), detail);
        _log.Enqueue(meetingEvent);
        while (_log.Count > EventLogCapacity)
        {
            _log.Dequeue();
        }

        PurgeExpiredObservers();
        foreach (var observer in _observers.Keys)
        {
            // Not awaited: a slow or dead subscriber never holds the meeting up.
            _ = DeliverAsync(observer, meetingEvent);
        }
    }

    private async Task DeliverAsync(IMeetingObserver observer, MeetingEvent meetingEvent)
    {
        try
        {
            await observer.OnMeetingEventAsync(meetingEvent);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A subscriber that cannot be reached is dropped; it can subscribe again and catch up.
            logger.LogDebug(e, "Meeting {MeetingId}: dropping an unreachable subscriber", Id);
            _observers.Remove(observer);
        }
    }

    private void PurgeExpiredObservers()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var expired in _observers.Where(o => o.Value < now).Select(o => o.Key).ToList())
        {
            _observers.Remove(expired);
        }
    }
}
