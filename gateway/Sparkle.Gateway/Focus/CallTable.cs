using System.Collections.Concurrent;
using Sparkle.Grains.Identity;
using Sparkle.Sip.Dialogs;

namespace Sparkle.Gateway.Focus;

/// <summary>One participant's SIP session on this gateway: the link between a dialog and the meeting
/// grain's participant. Only signalling state lives here; the meeting grain owns the rest.</summary>
public sealed class FocusCall
{
    public required TenantContext Tenant { get; init; }
    public required Guid MeetingId { get; init; }
    public required string ParticipantId { get; init; }
    /// <summary>Who acts on the meeting for this call: the authenticated user, or the system for guests
    /// and dial-outs.</summary>
    public required Caller Caller { get; init; }
    public required string ConferenceUri { get; init; }
    public bool DialedOut { get; init; }
    public SipDialog? Dialog { get; set; }
    public OutgoingInvite? Outgoing { get; set; }
    /// <summary>A dial-out's trunk credentials, for the trunk's challenge to a later re-INVITE.</summary>
    public SipCredentials? Credentials { get; init; }
    /// <summary>Set once the meeting was told the call ended, so it is told only once.</summary>
    public int Left;
}

/// <summary>Live calls by (meeting, participant); the dialog points back through ApplicationState.</summary>
public sealed class CallTable
{
    private readonly ConcurrentDictionary<(Guid, string), FocusCall> _calls = new();

    public int Count => _calls.Count;

    public void Add(FocusCall call) => _calls[(call.MeetingId, call.ParticipantId)] = call;

    public FocusCall? Find(Guid meetingId, string participantId) =>
        _calls.TryGetValue((meetingId, participantId), out var call) ? call : null;

    public void Remove(FocusCall call) =>
        _calls.TryRemove(new KeyValuePair<(Guid, string), FocusCall>((call.MeetingId, call.ParticipantId), call));

    public IEnumerable<FocusCall> ForMeeting(Guid meetingId) => _calls.Values.Where(c => c.MeetingId == meetingId);
}
