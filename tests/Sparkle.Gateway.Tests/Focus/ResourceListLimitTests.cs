using System.Text;
using Sparkle.Gateway.Focus;
using Sparkle.Gateway.Tests.Infrastructure;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Plans;
using Sparkle.Sip.Messages;

namespace Sparkle.Gateway.Tests.Focus;

/// <summary>Issue 14: a resource list of 1,500 entries dialled 1,500 times. Lists above the configured size
/// or nesting are refused with 413 before a meeting exists, so nobody is dialled.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ResourceListLimitTests(GatewayFixture fixture)
{
    private static string ListOf(IEnumerable<string> uris, int depth = 1)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\">");
        xml.Append(string.Concat(Enumerable.Repeat("<list>", depth)));
        foreach (var uri in uris)
        {
            xml.Append("<entry uri=\"").Append(uri).Append("\"/>");
        }
        xml.Append(string.Concat(Enumerable.Repeat("</list>", depth)));
        return xml.Append("</resource-lists>").ToString();
    }

    [Theory]
    [InlineData(101, 1, "more than 100 entries")]
    [InlineData(1, 5, "deeper than 4 lists")]
    public async Task OversizedListIsRefusedWith413AndNothingIsDialled(int entries, int depth, string warning)
    {
        var (tenantId, domain) = await fixture.CreateTenantAsync();
        var gateway = fixture.Gateway.Transport.UdpEndPoint!.Value;
        await using var creator = new SipTestClient("1003", domain, gateway);
        await using var invitee = new SipTestClient("1005", domain, gateway);
        Assert.Equal(200, (await invitee.RegisterAsync()).StatusCode);
        var uris = Enumerable.Range(0, entries).Select(i => i == 0 ? $"sip:1005@{domain}" : $"sip:{20000 + i}@{domain}");

        var invite = creator.NewRequest(SipMethods.Invite, "factory");
        invite.Headers.Add(HeaderNames.ContentType, "multipart/mixed;boundary=boundary1");
        invite.BodyText =
            "--boundary1\r\nContent-Type: application/sdp\r\n\r\n" + SipTestClient.PhoneSdp + "\r\n" +
            "--boundary1\r\nContent-Type: application/resource-lists+xml\r\nContent-Disposition: recipient-list\r\n\r\n" +
            ListOf(uris, depth) + "\r\n--boundary1--\r\n";
        var call = creator.Agent.Invite(invite, gateway, new Sparkle.Sip.Dialogs.SipCredentials("1003", GatewayFixture.Password));
        var response = await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(413, response.StatusCode);
        Assert.Contains(warning, response.Headers.Get(HeaderNames.Warning));
        // Refused before the meeting is created: no meeting, so no dial-out can have been placed.
        Assert.Empty(await fixture.Grains.GetGrain<ITenantCatalogGrain>(tenantId).ListMeetingsAsync(Caller.System(tenantId)));
        Assert.Empty(invitee.IncomingInvites);
    }

    [Fact]
    public void ListAtTheLimitIsReadWholeAndOneMoreIsRefused()
    {
        var hundred = ListOf(Enumerable.Range(0, 100).Select(i => $"sip:{1000 + i}@x.test"), depth: 4);

        var read = SessionDescription.ReadList(hundred, 100, 4);
        Assert.Equal(ResourceListProblem.None, read.Problem);
        Assert.Equal(100, read.Entries.Count);
        Assert.Equal(ResourceListProblem.TooManyEntries, SessionDescription.ReadList(hundred, 99, 4).Problem);
        Assert.Equal(ResourceListProblem.TooDeep, SessionDescription.ReadList(hundred, 100, 3).Problem);
    }

    [Fact]
    public void SiblingListsDoNotAddUpToDepth()
    {
        var siblings = "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\">" +
            string.Concat(Enumerable.Repeat("<list><entry uri=\"sip:1@x.test\"/></list><list/>", 10)) + "</resource-lists>";

        var read = SessionDescription.ReadList(siblings, 100, 1);

        Assert.Equal(ResourceListProblem.None, read.Problem);
        Assert.Equal(10, read.Entries.Count);
    }
}
