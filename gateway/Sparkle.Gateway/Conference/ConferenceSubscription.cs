using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Sparkle.Gateway.Focus;
using Sparkle.Grains.Meetings;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;

namespace Sparkle.Gateway.Conference;

/// <summary>One subscriber to one conference (RFC 6665 notifier side): its dialog, its document version
/// counter, its expiry. NOTIFYs go out one at a time so versions arrive in order, and at most one per
/// <see cref="FocusContext.NotifyInterval"/>: participant changes in between are coalesced into one
/// partial document holding each changed participant's latest state (RFC 4575 §5.2), so a 100-party
/// start does not flood a phone with hundreds of NOTIFYs. Full state (first NOTIFY, refreshes) and the
/// final NOTIFY are never held back.</summary>
public sealed class ConferenceSubscription
{
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly FocusContext _context;
    private readonly ILogger _logger;
    private uint _version;
    private bool _started;
    private long _meetingVersion;
    /// <summary>Events that arrived before the first full NOTIFY went out; replayed after it.</summary>
    private readonly List<MeetingEvent> _early = [];
    /// <summary>Changes waiting for the interval to pass: latest snapshot per participant, in first-change order.</summary>
    private readonly List<ParticipantSnapshot> _held = [];
    private long _lastSentTimestamp;
    private ITimer? _flushTimer;

    internal ConferenceSubscription(FocusContext context, SipDialog dialog, TenantContext tenant, Guid meetingId,
        string conferenceUri, ILogger logger)
    {
        _context = context;
        Dialog = dialog;
        Tenant = tenant;
        MeetingId = meetingId;
        ConferenceUri = conferenceUri;
        _logger = logger;
    }

    public SipDialog Dialog { get; }
    public TenantContext Tenant { get; }
    public Guid MeetingId { get; }
    public string ConferenceUri { get; }
    public DateTimeOffset Expires { get; set; }
    public bool Terminated { get; private set; }
    internal ITimer? ExpiryTimer { get; set; }
    /// <summary>Called once when the subscription ends, however it ends (so the notifier forgets it).</summary>
    internal Action<ConferenceSubscription>? Ended { get; set; }

    /// <summary>Sends the whole state (first NOTIFY, refreshes, meeting-level changes).</summary>
    public async Task SendFullAsync(MeetingSnapshot snapshot)
    {
        await _sending.WaitAsync();
        try
        {
            if (Terminated)
            {
                return;
            }
            // Versions start at 1 and rise by one per document (RFC 4575 §5.1); liblinphone drops a
            // document whose version is not above the last it saw, which starts at 0.
            var version = ++_version;
            _started = true;
            _meetingVersion = Math.Max(_meetingVersion, snapshot.Version);
            _held.Clear();
            await SendAsync(ConferenceInfoDocument.Full(snapshot, ConferenceUri, version), Active());
            foreach (var early in _early.Where(e => e.Version > _meetingVersion && e.Participant is not null).OrderBy(e => e.Version))
            {
                _meetingVersion = early.Version;
                Hold(early.Participant!);
            }
            _early.Clear();
            ScheduleFlush();
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Sends one participant's change, unless the full state already covered it.</summary>
    public async Task SendPartialAsync(MeetingEvent meetingEvent)
    {
        await _sending.WaitAsync();
        try
        {
            if (!_started)
            {
                _early.Add(meetingEvent);
                return;
            }
            if (Terminated || meetingEvent.Version <= _meetingVersion || meetingEvent.Participant is null)
            {
                return;
            }
            _meetingVersion = meetingEvent.Version;
            Hold(meetingEvent.Participant);
            if (_held.Count == 1 && Stopwatch.GetElapsedTime(_lastSentTimestamp) >= _context.NotifyInterval)
            {
                await SendHeldAsync();
            }
            else
            {
                ScheduleFlush();
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    private void Hold(ParticipantSnapshot participant)
    {
        var index = _held.FindIndex(p => p.ParticipantId == participant.ParticipantId);
        if (index >= 0)
        {
            _held[index] = participant;
        }
        else
        {
            _held.Add(participant);
        }
    }

    /// <summary>Arms one timer for the moment the interval since the last NOTIFY has passed.</summary>
    private void ScheduleFlush()
    {
        if (_held.Count == 0 || _flushTimer is not null || Terminated)
        {
            return;
        }
        var wait = _context.NotifyInterval - Stopwatch.GetElapsedTime(_lastSentTimestamp);
        _flushTimer = TimeProvider.System.CreateTimer(_ => _ = FlushAsync(), null,
            wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private async Task FlushAsync()
    {
        await _sending.WaitAsync();
        try
        {
            _flushTimer?.Dispose();
            _flushTimer = null;
            if (!Terminated && _held.Count > 0)
            {
                await SendHeldAsync();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning(ex, "Coalesced NOTIFY to {Peer} failed", Dialog.Peer);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task SendHeldAsync()
    {
        var participants = _held.ToList();
        _held.Clear();
        await SendAsync(ConferenceInfoDocument.Partial(participants, ConferenceUri, ++_version), Active());
    }

    /// <summary>The final NOTIFY (terminated;reason=noresource when the conference ended, timeout on expiry).</summary>
    public async Task TerminateAsync(string reason)
    {
        await _sending.WaitAsync();
        try
        {
            if (Terminated)
            {
                return;
            }
            // Held changes are moot: the subscription ends with this NOTIFY.
            _held.Clear();
            await SendAsync(null, $"terminated;reason={reason}");
            End();
        }
        finally
        {
            _sending.Release();
        }
    }

    private string Active()
    {
        var left = Math.Max(0, (int)(Expires - DateTimeOffset.UtcNow).TotalSeconds);
        return $"active;expires={left.ToString(CultureInfo.InvariantCulture)}";
    }

    private async Task SendAsync(string? body, string state)
    {
        _lastSentTimestamp = Stopwatch.GetTimestamp();
        var notify = Dialog.CreateRequest(SipMethods.Notify);
        notify.Headers.Add(HeaderNames.Event, "conference");
        notify.Headers.Add(HeaderNames.SubscriptionState, state);
        if (body is not null)
        {
            notify.Headers.Add(HeaderNames.ContentType, ConferenceInfoDocument.ContentType);
            notify.BodyText = body;
        }
        try
        {
            var response = await _context.Agent.SendInDialogAsync(Dialog, notify);
            if (response.StatusCode is 481 or 408 || response.StatusCode >= 500)
            {
                // RFC 6665 §4.2.2: the subscriber is gone.
                End();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogInformation("NOTIFY to {Peer} failed: {Message}", Dialog.Peer, ex.Message);
            End();
        }
    }

    private void End()
    {
        if (Terminated && ExpiryTimer is null)
        {
            return;
        }
        Terminated = true;
        ExpiryTimer?.Dispose();
        ExpiryTimer = null;
        _flushTimer?.Dispose();
        _flushTimer = null;
        _context.Agent.ForgetDialog(Dialog);
        Ended?.Invoke(this);
    }
}
