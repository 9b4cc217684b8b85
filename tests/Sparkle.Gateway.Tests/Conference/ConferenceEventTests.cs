using System.Xml.Linq;
using Sparkle.Gateway.Tests.Infrastructure;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;

namespace Sparkle.Gateway.Tests.Conference;

[Collection(GatewayCollection.Name)]
public sealed class ConferenceEventTests(GatewayFixture fixture)
{
    private static readonly XNamespace s_ns = "urn:ietf:params:xml:ns:conference-info";

    private static SipRequest Subscribe(SipTestClient client, string conference, string eventPackage = "conference")
    {
        var subscribe = client.NewRequest(SipMethods.Subscribe, conference);
        subscribe.Headers.Add(HeaderNames.Event, eventPackage);
        subscribe.Headers.Add(HeaderNames.Accept, "application/conference-info+xml");
        subscribe.Headers.Add(HeaderNames.Expires, "600");
        return subscribe;
    }

    private static XElement Document(SipRequest notify) => XDocument.Parse(notify.BodyText).Root!;

    [Fact]
    public async Task SubscriberGetsFullStateThenPartialsThenNoresource()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        var owner = Caller.User(tenantId, "1001");
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        var created = await meeting.CreateAsync(owner, new MeetingSpec("Board", []));
        var gateway = fixture.Gateway.Transport.UdpEndPoint!.Value;
        await using var watcher = new SipTestClient("1004", domain, gateway);
        await using var guest = new SipTestClient("guest", domain, gateway);

        var ok = await watcher.SendAuthenticatedAsync(Subscribe(watcher, created.ConferenceNumber));
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("600", ok.Headers.Get(HeaderNames.Expires));
        await Eventually.TrueAsync(() => watcher.Notifies.Count >= 1, "the full NOTIFY right after the 200");
        var first = watcher.Notifies.First();
        Assert.Equal("conference", first.Headers.Get(HeaderNames.Event));
        Assert.StartsWith("active", first.Headers.Get(HeaderNames.SubscriptionState));
        Assert.Equal("application/conference-info+xml", first.ContentType);
        var full = Document(first);
        Assert.Equal("full", (string?)full.Attribute("state"));
        Assert.Equal($"sip:{created.ConferenceNumber}@{domain}", (string?)full.Attribute("entity"));
        Assert.NotNull(full.Element(s_ns + "conference-description"));
        Assert.NotNull(full.Element(s_ns + "users"));
        var firstVersion = (uint)full.Attribute("version")!;
        Assert.Equal(1u, firstVersion); // RFC 4575 §5.1: versions start at 1

        var call = guest.Call(created.ConferenceNumber);
        Assert.Equal(200, (await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        await Eventually.TrueAsync(() => watcher.Notifies.Any(n => n.BodyText.Contains(">connected<")), "a partial NOTIFY shows the guest connected");

        await guest.Agent.HangUpAsync(call.Dialog!);
        await Eventually.TrueAsync(() => watcher.Notifies.Any(n => n.BodyText.Contains("departed")), "a NOTIFY shows the guest departed");

        await meeting.EndAsync(owner);
        await Eventually.TrueAsync(() => watcher.Notifies.Any(n => n.Headers.Get(HeaderNames.SubscriptionState) == "terminated;reason=noresource"),
            "the subscription ends with the conference");

        // Versions rise by exactly one per NOTIFY that carries a document.
        var documents = watcher.Notifies.Where(n => n.Body.Length > 0).Select(Document).ToList();
        var versions = documents.Select(d => (uint)d.Attribute("version")!).ToList();
        Assert.Equal(Enumerable.Range(0, versions.Count).Select(i => firstVersion + (uint)i), versions);
        // A participant's change is a partial document (meeting-level changes may resend the full state).
        var disconnected = documents.Last(d => d.ToString().Contains("departed"));
        Assert.Equal("partial", (string?)disconnected.Attribute("state"));
        Assert.Equal("disconnected", disconnected.Descendants(s_ns + "status").First().Value);
    }

    [Fact]
    public async Task SubscriberUsingTheFocusContactAsConferenceUriIsServedAboutThatUri()
    {
        // liblinphone subscribes to the isfocus Contact (our address, no tenant domain) with it as both
        // Request-URI and To, and ignores documents whose entity is not that URI.
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        var created = await fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid()).CreateAsync(Caller.User(tenantId, "1001"), new MeetingSpec("M", []));
        var gateway = fixture.Gateway.Transport.UdpEndPoint!.Value;
        await using var client = new SipTestClient("1004", domain, gateway);
        var focus = new SipUri("sip", created.ConferenceNumber, "127.0.0.1");
        var subscribe = SipUserAgent.CreateRequest(SipMethods.Subscribe, focus, client.Aor, new NameAddress(focus), client.ContactAddress);
        subscribe.Headers.Add(HeaderNames.Event, "conference");
        subscribe.Headers.Add(HeaderNames.Expires, "600");

        var ok = await client.SendAuthenticatedAsync(subscribe);

        Assert.Equal(200, ok.StatusCode);
        await Eventually.TrueAsync(() => client.Notifies.Count >= 1, "the full NOTIFY right after the 200");
        var full = Document(client.Notifies.First());
        Assert.Equal($"sip:{created.ConferenceNumber}@127.0.0.1", (string?)full.Attribute("entity"));
        Assert.Equal("1", (string?)full.Attribute("version"));
    }

    [Fact]
    public async Task ABurstOfChangesIsCoalescedIntoOnePartialDocument()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        var created = await meeting.CreateAsync(Caller.User(tenantId, "1001"), new MeetingSpec("Burst", []));
        await using var watcher = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        Assert.Equal(200, (await watcher.SendAuthenticatedAsync(Subscribe(watcher, created.ConferenceNumber))).StatusCode);
        await Eventually.TrueAsync(() => watcher.Notifies.Count >= 1, "the full NOTIFY right after the 200");

        // Five callers arrive together, right after the full NOTIFY: one partial must carry them all.
        var joins = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => meeting.JoinAsync(Caller.System(tenantId),
            new JoinRequest($"burst-{i}-{Guid.NewGuid():N}", $"sip:guest{i}@{domain}", $"Guest {i}", null, "v=0\r\n",
                new LegSecurity(false, false), "gateway-test"))));
        Assert.All(joins, j => Assert.True(j.Accepted, j.Reason));
        // Every guest is shown connected, in fewer NOTIFYs than there were joins (each join is at least two
        // meeting events; the meeting going active resends the full state once).
        bool Shown(int i) => watcher.Notifies.Skip(1).Select(Document).Any(d => d.Descendants(s_ns + "user")
            .Any(u => ((string?)u.Attribute("entity"))!.StartsWith($"sip:guest{i}@") && u.Descendants(s_ns + "status").First().Value == "connected"));
        await Eventually.TrueAsync(() => Enumerable.Range(0, 5).All(Shown), "every guest shown connected");
        await Task.Delay(TimeSpan.FromSeconds(1)); // anything still held has gone out by now
        var updates = watcher.Notifies.Count - 1;
        Assert.True(updates < joins.Length, $"{updates} NOTIFYs for {joins.Length} joins");
        Assert.Contains(watcher.Notifies.Skip(1).Select(Document), d => (string?)d.Attribute("state") == "partial"
            && d.Descendants(s_ns + "user").Count() > 1);
        var versions = watcher.Notifies.Select(Document).Select(d => (uint)d.Attribute("version")!).ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count).Select(i => (uint)i), versions);
    }

    [Fact]
    public async Task OtherEventPackagesGet489()
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        var created = await fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid()).CreateAsync(Caller.User(tenantId, "1001"), new MeetingSpec("M", []));
        await using var client = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        var response = await client.SendAuthenticatedAsync(Subscribe(client, created.ConferenceNumber, "presence"));
        Assert.Equal(489, response.StatusCode);
        Assert.Contains("conference", response.Headers.Get(HeaderNames.AllowEvents));
    }

    [Fact]
    public async Task SubscribeToUnknownConferenceGets404()
    {
        var (_, domain) = await fixture.CreateTenantAsync();
        await using var client = new SipTestClient("1004", domain, fixture.Gateway.Transport.UdpEndPoint!.Value);
        Assert.Equal(404, (await client.SendAuthenticatedAsync(Subscribe(client, "424242"))).StatusCode);
    }
}
