using Sparkle.Sip.Messages;

namespace Sparkle.Sip.Tests.Messages;

public sealed class SipUriTests
{
    [Theory]
    [InlineData("sip:alice@atlanta.com", "alice", "atlanta.com", null)]
    [InlineData("sips:1001@tenant.example:5061;transport=tls", "1001", "tenant.example", 5061)]
    [InlineData("sip:[2001:db8::10]:5070", null, "[2001:db8::10]", 5070)]
    [InlineData("SIP:conf-42@10.0.0.1;isfocus", "conf-42", "10.0.0.1", null)]
    public void ParsesUserHostPort(string text, string? user, string host, int? port)
    {
        Assert.True(SipUri.TryParse(text, out var uri));
        Assert.Equal(user, uri.User);
        Assert.Equal(host, uri.Host);
        Assert.Equal(port, uri.Port);
    }

    [Fact]
    public void ParametersRoundTrip()
    {
        var uri = SipUri.Parse("sip:carol@chicago.example.com;method=BYE;lr");
        Assert.Equal("BYE", uri.Parameters["method"]);
        Assert.True(uri.Parameters.Contains("lr"));
        Assert.Equal("sip:carol@chicago.example.com;method=BYE;lr", uri.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice@atlanta.com")]
    [InlineData("sip:")]
    [InlineData("sip:alice@")]
    [InlineData("sip:alice@host:99999")]
    [InlineData("sip:alice@ho st")]
    [InlineData("sip:@host")]
    public void RejectsMalformedUris(string text) => Assert.False(SipUri.TryParse(text, out _));

    [Fact]
    public void OtherSchemesKeepTheirTextForA416()
    {
        Assert.True(SipUri.TryParse("tel:+14155551212", out var uri));
        Assert.False(uri.IsSip);
        Assert.Equal("tel:+14155551212", uri.ToString());
    }

    [Fact]
    public void NameAddressSeparatesUriAndHeaderParameters()
    {
        var na = NameAddress.Parse("\"Bob \\\"B\\\"\" <sip:bob@biloxi.com;transport=tcp>;tag=a6c85cf;expires=60");
        Assert.Equal("Bob \"B\"", na.DisplayName);
        Assert.Equal("tcp", na.Uri.Transport);
        Assert.Equal("a6c85cf", na.Tag);
        Assert.Equal("60", na.Parameters["expires"]);

        var addrSpec = NameAddress.Parse("sip:bob@biloxi.com;tag=1");
        Assert.Equal("1", addrSpec.Tag);
        Assert.Equal(0, addrSpec.Uri.Parameters.Count);
    }

    [Fact]
    public void ViaWithSpacesAroundSlashesParses()
    {
        Assert.True(ViaHeader.TryParse("SIP / 2.0 / TCP   10.0.0.1:5070 ; branch=z9hG4bK1;rport", out var via));
        Assert.Equal("TCP", via.Transport);
        Assert.Equal("10.0.0.1:5070", via.SentBy);
        Assert.Equal("z9hG4bK1", via.Branch);
        Assert.False(ViaHeader.TryParse("SIP/2.0/UDP", out _));
    }

    [Fact]
    public void ListSplittingIgnoresCommasInQuotesAndBrackets()
    {
        var parts = HeaderValues.SplitList("\"Doe, John\" <sip:j@x;a=1,2>, <sip:k@y>");
        Assert.Equal(2, parts.Count);
        Assert.Equal("<sip:k@y>", parts[1]);
    }
}
