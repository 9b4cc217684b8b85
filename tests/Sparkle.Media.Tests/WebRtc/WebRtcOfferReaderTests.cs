using Sparkle.Media.WebRtc;

namespace Sparkle.Media.Tests.WebRtc;

/// <summary>Reading browsers' offers: real Chromium offers pass; each thing the worker cannot take is refused with
/// its own error (RFC 5763 fingerprint and setup, RFC 8839 ICE credentials, RFC 8843 BUNDLE, codecs).</summary>
public class WebRtcOfferReaderTests
{
    private static (WebRtcOfferError Error, string? Message) Refuse(string sdp)
    {
        Assert.False(WebRtcOfferReader.TryRead(sdp, out var offer, out var error, out var message));
        Assert.Null(offer);
        Assert.False(string.IsNullOrWhiteSpace(message));
        return (error, message);
    }

    [Theory]
    [InlineData(WebRtcFixtures.SendRecv, new[] { "0", "1" })]
    [InlineData(WebRtcFixtures.AudioOnly, new[] { "0" })]
    [InlineData(WebRtcFixtures.RecvOnly, new[] { "0", "1" })]
    [InlineData(WebRtcFixtures.DataChannel, new[] { "0", "1", "2" })]
    public void ReadsRealChromiumOffers(string file, string[] bundle)
    {
        var text = WebRtcFixtures.Load(file);
        var offer = WebRtcFixtures.Read(text);

        var description = WebRtcFixtures.Parse(text);
        var audio = description.Media[0];
        Assert.Equal(audio.Find("ice-ufrag").Single().Value, offer.IceUfrag);
        Assert.Equal(audio.Find("ice-pwd").Single().Value, offer.IcePassword);
        Assert.Equal("sha-256", offer.FingerprintAlgorithm);
        Assert.Equal(audio.Find("fingerprint").Single().Value, "sha-256 " + offer.Fingerprint);
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", offer.Fingerprint);
        Assert.Equal(bundle, offer.BundleMids);
    }

    [Fact]
    public void ASipPhonesPlainRtpOfferIsPlainRtp()
    {
        const string phone = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
            "m=audio 4000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

        var (error, message) = Refuse(phone);

        Assert.Equal(WebRtcOfferError.PlainRtp, error);
        Assert.Contains("UDP/TLS/RTP/SAVPF", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnSdesOfferIsPlainRtpToo()
    {
        var sdes = WebRtcFixtures.Load(WebRtcFixtures.AudioOnly).Replace("UDP/TLS/RTP/SAVPF", "RTP/SAVPF", StringComparison.Ordinal);

        Assert.Equal(WebRtcOfferError.PlainRtp, Refuse(sdes).Error);
    }

    [Fact]
    public void AnOfferWithoutFingerprintIsRefused()
    {
        var text = string.Join("\r\n", WebRtcFixtures.Load(WebRtcFixtures.SendRecv).Split("\r\n").Where(l => !l.StartsWith("a=fingerprint:", StringComparison.Ordinal)));

        Assert.Equal(WebRtcOfferError.NoFingerprint, Refuse(text).Error);
    }

    [Fact]
    public void ASessionLevelFingerprintServesEveryMLineAndAMediaLevelOneWins()
    {
        var lines = WebRtcFixtures.Load(WebRtcFixtures.AudioOnly).Split("\r\n").ToList();
        var original = lines.Single(l => l.StartsWith("a=fingerprint:", StringComparison.Ordinal));
        lines.Remove(original);
        lines.Insert(lines.IndexOf("t=0 0") + 1, "a=fingerprint:SHA-256 aa:bb:cc");
        Assert.Equal("AA:BB:CC", WebRtcFixtures.Read(string.Join("\r\n", lines)).Fingerprint);

        lines.Add(original);
        var offer = WebRtcFixtures.Read(string.Join("\r\n", lines) + "\r\n");
        Assert.Equal(original["a=fingerprint:sha-256 ".Length..], offer.Fingerprint);
    }

    [Fact]
    public void MLinesWithDifferentFingerprintsAreRefused()
    {
        var text = WebRtcFixtures.Load(WebRtcFixtures.SendRecv);
        var fingerprint = text.Split("\r\n").First(l => l.StartsWith("a=fingerprint:", StringComparison.Ordinal));
        var at = text.LastIndexOf(fingerprint, StringComparison.Ordinal);
        var changed = text[..at] + "a=fingerprint:sha-256 00:11:22" + text[(at + fingerprint.Length)..];

        var (error, message) = Refuse(changed);

        Assert.Equal(WebRtcOfferError.NoFingerprint, error);
        Assert.Contains("different", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOfferWithoutIcePasswordIsRefused()
    {
        var text = string.Join("\r\n", WebRtcFixtures.Load(WebRtcFixtures.SendRecv).Split("\r\n").Where(l => !l.StartsWith("a=ice-pwd:", StringComparison.Ordinal)));

        Assert.Equal(WebRtcOfferError.NoIceCredentials, Refuse(text).Error);
    }

    [Fact]
    public void AnOffererThatWantsToBeTheDtlsServerIsRefused()
    {
        var text = WebRtcFixtures.Load(WebRtcFixtures.SendRecv).Replace("a=setup:actpass", "a=setup:passive", StringComparison.Ordinal);

        Assert.Equal(WebRtcOfferError.SetupNotSupported, Refuse(text).Error);
    }

    [Fact]
    public void AnOffererThatIsTheDtlsClientIsFine()
    {
        var text = WebRtcFixtures.Load(WebRtcFixtures.SendRecv).Replace("a=setup:actpass", "a=setup:active", StringComparison.Ordinal);

        WebRtcFixtures.Read(text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world")]
    [InlineData("<html><body>not sdp</body></html>")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio x UDP/TLS/RTP/SAVPF 111\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n")]
    public void GarbageIsUnparseable(string text)
    {
        Assert.Equal(WebRtcOfferError.Unparseable, Refuse(text).Error);
    }

    [Fact]
    public void PcmuAudioAndVp9VideoHaveNoSupportedCodec()
    {
        var text = WebRtcFixtures.Load(WebRtcFixtures.SendRecv);
        foreach (var encoding in new[] { "opus", "H264", "VP8", "AV1", "red", "G722", "PCMA" })
        {
            text = WebRtcFixtures.WithoutEncoding(text, encoding);
        }
        var description = WebRtcFixtures.Parse(text);
        Assert.Contains(description.Media[0].Find("rtpmap"), a => a.Value!.Contains("PCMU", StringComparison.Ordinal));
        Assert.Contains(description.Media[1].Find("rtpmap"), a => a.Value!.Contains("VP9", StringComparison.Ordinal));

        Assert.Equal(WebRtcOfferError.NoSupportedCodec, Refuse(text).Error);
    }

    [Fact]
    public void H264InPacketizationModeZeroOnlyIsNoSupportedCodec()
    {
        var text = WebRtcFixtures.WithoutEncoding(WebRtcFixtures.WithoutEncoding(WebRtcFixtures.Load(WebRtcFixtures.SendRecv), "opus"), "VP8")
            .Replace("packetization-mode=1", "packetization-mode=0", StringComparison.Ordinal);

        Assert.Equal(WebRtcOfferError.NoSupportedCodec, Refuse(text).Error);
    }

    [Fact]
    public void TwoMLinesWithoutABundleGroupAreNotBundled()
    {
        var text = string.Join("\r\n", WebRtcFixtures.Load(WebRtcFixtures.SendRecv).Split("\r\n").Where(l => !l.StartsWith("a=group:BUNDLE", StringComparison.Ordinal)));

        var (error, message) = Refuse(text);

        Assert.Equal(WebRtcOfferError.NotBundled, error);
        Assert.Contains("BUNDLE", message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneMLineNeedsNoBundleGroup()
    {
        var text = string.Join("\r\n", WebRtcFixtures.Load(WebRtcFixtures.AudioOnly).Split("\r\n").Where(l => !l.StartsWith("a=group:BUNDLE", StringComparison.Ordinal)));

        Assert.Equal(["0"], WebRtcFixtures.Read(text).BundleMids);
    }
}
