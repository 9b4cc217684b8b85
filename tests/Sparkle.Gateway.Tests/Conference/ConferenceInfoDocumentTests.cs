using System.Xml.Linq;
using Sparkle.Gateway.Conference;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;

namespace Sparkle.Gateway.Tests.Conference;

public sealed class ConferenceInfoDocumentTests
{
    private static readonly XNamespace s_ns = "urn:ietf:params:xml:ns:conference-info";

    private static ParticipantSnapshot Participant(string id, CallState state, bool muted = false, DisconnectionMethod? how = null) =>
        new(id, $"sip:{id}@t.example", $"User {id}", id, Role.Participant, state, JoiningMethod.DialedIn, how,
            muted, SpeakingAllowed: true, VideoOn: false, VideoAllowed: true, AudioSsrc: 583398, VideoSsrc: null,
            Speaking: false, JoinedAt: null, LeftAt: null, Slot: null);

    [Fact]
    public void FullDocumentListsLiveParticipantsWithMediaAndState()
    {
        var meeting = new MeetingSnapshot(Guid.NewGuid(), Guid.NewGuid(), "4711", "1001",
            new MeetingSpec("Board", []), MeetingStatus.Active, Locked: true, Recording: false, "auto",
            Grains.Plans.LayoutMode.Automatic,
            [Participant("1001", CallState.Connected), Participant("1002", CallState.Connected, muted: true), Participant("1003", CallState.Disconnected)],
            Version: 7, ActiveSpeakerId: null, CreatedAt: DateTimeOffset.UtcNow, StartedAt: null, EndedAt: null, MediaWorkerId: null);

        var root = XDocument.Parse(ConferenceInfoDocument.Full(meeting, "sip:4711@t.example", 3)).Root!;

        Assert.Equal(s_ns + "conference-info", root.Name);
        Assert.Equal("full", (string?)root.Attribute("state"));
        Assert.Equal("3", (string?)root.Attribute("version"));
        Assert.Equal("Board", root.Element(s_ns + "conference-description")!.Element(s_ns + "subject")!.Value);
        Assert.Equal("true", root.Element(s_ns + "conference-state")!.Element(s_ns + "locked")!.Value);
        Assert.Equal("2", root.Element(s_ns + "conference-state")!.Element(s_ns + "user-count")!.Value);
        var users = root.Element(s_ns + "users")!.Elements(s_ns + "user").ToList();
        Assert.Equal(2, users.Count);
        var mutedMedia = users[1].Descendants(s_ns + "media").Single();
        Assert.Equal("583398", mutedMedia.Element(s_ns + "src-id")!.Value);
        Assert.Equal("recvonly", mutedMedia.Element(s_ns + "status")!.Value);
        Assert.Equal("sendrecv", users[0].Descendants(s_ns + "media").Single().Element(s_ns + "status")!.Value);
    }

    [Fact]
    public void PartialDocumentCarriesTheDisconnectionMethod()
    {
        var root = XDocument.Parse(ConferenceInfoDocument.Partial(
            Participant("1002", CallState.Disconnected, how: DisconnectionMethod.Booted), "sip:4711@t.example", 9)).Root!;
        Assert.Equal("partial", (string?)root.Attribute("state"));
        Assert.Equal("deleted", (string?)root.Descendants(s_ns + "user").Single().Attribute("state"));
        var endpoint = root.Descendants(s_ns + "endpoint").Single();
        Assert.Equal("disconnected", endpoint.Element(s_ns + "status")!.Value);
        Assert.Equal("booted", endpoint.Element(s_ns + "disconnection-method")!.Value);
        Assert.Empty(endpoint.Elements(s_ns + "media"));
    }

    [Fact]
    public void PartialDocumentStatesAPresentParticipantInFull()
    {
        var root = XDocument.Parse(ConferenceInfoDocument.Partial(
            [Participant("1001", CallState.Connected), Participant("1002", CallState.Disconnected)], "sip:4711@t.example", 3)).Root!;
        var states = root.Descendants(s_ns + "user").ToDictionary(u => (string)u.Attribute("entity")!, u => (string?)u.Attribute("state"));
        Assert.Equal("full", states["sip:1001@t.example"]);
        Assert.Equal("deleted", states["sip:1002@t.example"]);
        Assert.Equal("connected", root.Descendants(s_ns + "status").First().Value);
    }
}
