using Sparkle.Gateway.Focus;
using Sparkle.Sip.Messages;

namespace Sparkle.Gateway.Tests.Focus;

public sealed class InfoBodyTests
{
    private static InfoBody Parse(string? contentType, string body)
    {
        var info = new SipRequest(SipMethods.Info, SipUri.Parse("sip:4711@t.example"));
        if (contentType is not null)
        {
            info.Headers.Add(HeaderNames.ContentType, contentType);
        }
        info.BodyText = body;
        return InfoBody.Parse(info);
    }

    [Theory]
    [InlineData("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", "5")]
    [InlineData("Application/DTMF-Relay", "signal= *\nduration=100", "*")]
    [InlineData("application/dtmf-relay", "Signal=10\r\nDuration=160\r\n", "*")]
    [InlineData("application/dtmf-relay", "Signal=11\r\nDuration=160\r\n", "#")]
    [InlineData("application/dtmf-relay", "Duration=160\r\nSignal=b\r\n", "B")]
    [InlineData("application/dtmf", "7\r\n", "7")]
    public void DigitsInEitherFormat(string contentType, string body, string digit) =>
        Assert.Equal(new InfoBody(InfoBodyKind.Digits, digit), Parse(contentType, body));

    [Theory]
    [InlineData("application/dtmf-relay", "Signal=12")]
    [InlineData("application/dtmf-relay", "Duration=160")]
    [InlineData("application/dtmf", "55")]
    [InlineData("application/media_control+xml", "<media_control>")]
    // A DTD (the billion-laughs kind) is refused, not expanded.
    [InlineData("application/media_control+xml",
        "<!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><media_control>&b;</media_control>")]
    public void UnreadableBodiesAreMalformed(string contentType, string body) =>
        Assert.Equal(InfoBodyKind.Malformed, Parse(contentType, body).Kind);

    [Fact]
    public void PictureFastUpdateIsFoundWhereverRfc5168PutsIt()
    {
        var body = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\r\n<media_control>\r\n  <vc_primitive>\r\n    <to_encoder>\r\n"
            + "      <picture_fast_update/>\r\n    </to_encoder>\r\n  </vc_primitive>\r\n</media_control>\r\n";
        Assert.Equal(InfoBodyKind.PictureFastUpdate, Parse("application/media_control+xml; charset=utf-8", body).Kind);
        Assert.Equal(InfoBodyKind.OtherMediaControl,
            Parse("application/media_control+xml", "<media_control><vc_primitive><stream_id>1</stream_id></vc_primitive></media_control>").Kind);
    }

    [Fact]
    public void EmptyAndUnknownBodies()
    {
        Assert.Equal(InfoBodyKind.Empty, Parse(null, "").Kind);
        Assert.Equal(InfoBodyKind.Unsupported, Parse("text/plain", "hi").Kind);
        Assert.Equal(InfoBodyKind.Unsupported, Parse(null, "Signal=5").Kind);
    }

    [Fact]
    public void ResourceListsWithADtdAreRefused()
    {
        const string list = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e \"sip:1002@x.example\">]>"
            + "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list><entry uri=\"&e;\"/></list></resource-lists>";
        Assert.Empty(Sparkle.Gateway.Focus.SessionDescription.ListEntries(list));
        const string plain = "<?xml version=\"1.0\"?><resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list>"
            + "<entry uri=\"sip:1002@x.example\"/></list></resource-lists>";
        Assert.Single(Sparkle.Gateway.Focus.SessionDescription.ListEntries(plain));
    }
}
