using Sparkle.Gateway.Focus;
using Sparkle.Sip.Dialogs;
using Sparkle.Sip.Messages;

namespace Sparkle.Gateway.Tests.Focus;

public sealed class TenantDirectoryTests
{
    private static SipRequest Request(string requestUri, string to, string from) =>
        SipUserAgent.CreateRequest(SipMethods.Subscribe, SipUri.Parse(requestUri), new NameAddress(SipUri.Parse(from)),
            new NameAddress(SipUri.Parse(to)), new NameAddress(SipUri.Parse("sip:1004@127.0.0.1:5062")));

    [Theory]
    [InlineData("sip:4711@demo.example", "sip:4711@other.example", "sip:1004@third.example", "demo.example")]
    [InlineData("sip:4711@127.0.0.1:5060", "sip:4711@demo.example", "sip:1004@third.example", "demo.example")]
    [InlineData("sip:conf-1@127.0.0.1", "sip:conf-1@127.0.0.1", "sip:1004@demo.example", "demo.example")]
    [InlineData("sip:conf-1@[::1]:5060", "sip:conf-1@[::1]", "sip:1004@demo.example", "demo.example")]
    [InlineData("sip:conf-1@127.0.0.1", "sip:conf-1@127.0.0.1", "sip:1004@127.0.0.2", "127.0.0.1")]
    public void DomainComesFromTheFirstOfRequestUriToAndFromThatIsNotAnAddress(string requestUri, string to, string from, string expected) =>
        Assert.Equal(expected, TenantDirectory.DomainOf(Request(requestUri, to, from)));
}
