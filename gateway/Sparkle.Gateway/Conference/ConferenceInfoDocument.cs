using System.Globalization;
using System.Xml.Linq;
using Sparkle.Grains.Meetings;

namespace Sparkle.Gateway.Conference;

/// <summary>Builds RFC 4575 application/conference-info+xml documents from meeting snapshots and events.</summary>
public static class ConferenceInfoDocument
{
    public const string ContentType = "application/conference-info+xml";
    private static readonly XNamespace s_ns = "urn:ietf:params:xml:ns:conference-info";

    /// <summary>A full document: description, state and every participant not yet gone.</summary>
    public static string Full(MeetingSnapshot meeting, string conferenceUri, uint version)
    {
        var live = meeting.Participants.Where(p => p.State != CallState.Disconnected).ToList();
        var root = Root(conferenceUri, "full", version,
            new XElement(s_ns + "conference-description",
                new XElement(s_ns + "subject", meeting.Spec.Title)),
            new XElement(s_ns + "conference-state",
                new XElement(s_ns + "user-count", live.Count(p => p.State is CallState.Connected or CallState.OnHold)),
                new XElement(s_ns + "active", meeting.Status == MeetingStatus.Active ? "true" : "false"),
                new XElement(s_ns + "locked", meeting.Locked ? "true" : "false")),
            new XElement(s_ns + "users", live.Select(p => User(p, "full"))));
        return Serialize(root);
    }

    /// <summary>A partial document carrying one participant's new state (RFC 4575 §4.2.2).</summary>
    public static string Partial(ParticipantSnapshot participant, string conferenceUri, uint version) =>
        Partial([participant], conferenceUri, version);

    /// <summary>A partial document carrying several participants' new states (coalesced changes). Someone
    /// who left is a user in state "deleted" (RFC 4575 §4.6: subscribers drop the element; liblinphone
    /// removes the participant only then), whose endpoint still tells how they left.</summary>
    public static string Partial(IEnumerable<ParticipantSnapshot> participants, string conferenceUri, uint version) =>
        Serialize(Root(conferenceUri, "partial", version,
            new XElement(s_ns + "users", new XAttribute("state", "partial"),
                participants.Select(p => User(p, p.State == CallState.Disconnected ? "deleted" : "full")))));

    public static string Status(CallState state) => state switch
    {
        CallState.Pending => "pending",
        CallState.DialingOut => "dialing-out",
        CallState.DialingIn => "dialing-in",
        CallState.Alerting => "alerting",
        CallState.OnHold => "on-hold",
        CallState.Connected => "connected",
        CallState.Disconnecting => "disconnecting",
        _ => "disconnected",
    };

    private static XElement Root(string entity, string state, uint version, params object[] content) =>
        new(s_ns + "conference-info",
            new XAttribute("entity", entity),
            new XAttribute("state", state),
            new XAttribute("version", version.ToString(CultureInfo.InvariantCulture)),
            content);

    private static XElement User(ParticipantSnapshot p, string state)
    {
        var endpoint = new XElement(s_ns + "endpoint",
            new XAttribute("entity", p.Uri),
            new XAttribute("state", "full"),
            // A caller still keying the PIN is, for the others, still dialling in.
            new XElement(s_ns + "status", p.InLobby && p.State == CallState.Connected ? "dialing-in" : Status(p.State)),
            new XElement(s_ns + "joining-method", p.JoiningMethod switch
            {
                JoiningMethod.DialedOut => "dialed-out",
                JoiningMethod.FocusOwner => "focus-owner",
                _ => "dialed-in",
            }));
        if (p.DisconnectionMethod is { } how && p.State == CallState.Disconnected)
        {
            endpoint.Add(new XElement(s_ns + "disconnection-method", how switch
            {
                DisconnectionMethod.Booted => "booted",
                DisconnectionMethod.Failed => "failed",
                DisconnectionMethod.Busy => "busy",
                _ => "departed",
            }));
        }
        // Media status from the focus's view: a participant muted by the focus only receives.
        var audioStatus = p.State == CallState.OnHold ? "inactive" : p.Muted || !p.SpeakingAllowed ? "recvonly" : "sendrecv";
        if (p.State is CallState.Connected or CallState.OnHold)
        {
            endpoint.Add(Media("1", "audio", p.AudioSsrc, audioStatus));
            if (p.VideoSsrc is not null)
            {
                endpoint.Add(Media("2", "video", p.VideoSsrc, p.VideoOn && p.VideoAllowed ? "sendrecv" : "recvonly"));
            }
        }
        var user = new XElement(s_ns + "user", new XAttribute("entity", p.Uri), new XAttribute("state", state));
        if (!string.IsNullOrEmpty(p.DisplayName))
        {
            user.Add(new XElement(s_ns + "display-text", p.DisplayName));
        }
        user.Add(endpoint);
        return user;
    }

    private static XElement Media(string id, string type, uint? ssrc, string status)
    {
        var media = new XElement(s_ns + "media", new XAttribute("id", id), new XElement(s_ns + "type", type));
        if (ssrc is { } s)
        {
            media.Add(new XElement(s_ns + "src-id", s.ToString(CultureInfo.InvariantCulture)));
        }
        media.Add(new XElement(s_ns + "status", status));
        return media;
    }

    private static string Serialize(XElement root) =>
        new XDeclaration("1.0", "UTF-8", null) + "\r\n" + root.ToString(SaveOptions.DisableFormatting);
}
