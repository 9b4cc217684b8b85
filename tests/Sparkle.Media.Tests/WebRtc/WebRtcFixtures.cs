using Sparkle.Media.Sdp;
using Sparkle.Media.WebRtc;

namespace Sparkle.Media.Tests.WebRtc;

/// <summary>The captured Chromium offers (Offers/README.md), our side's parameters, and small edits of offers.</summary>
internal static class WebRtcFixtures
{
    public const string SendRecv = "chromium-audio-video-sendrecv.sdp";
    public const string AudioOnly = "chromium-audio-only.sdp";
    public const string RecvOnly = "chromium-recvonly.sdp";
    public const string DataChannel = "chromium-audio-video-datachannel.sdp";

    public static readonly string[] All = [SendRecv, AudioOnly, RecvOnly, DataChannel];

    // A made-up but well-formed SHA-256 fingerprint (32 bytes).
    public const string OurFingerprint =
        "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9";

    public static readonly WebRtcLocalParameters Local = new(
        "203.0.113.7", 40000, TcpPort: null, "spkl", "sparklesparklesparkle24", OurFingerprint,
        AudioSsrc: 0x11111111, VideoSsrc: 0x22222222, Cname: "sparkle-mcu", SessionId: 4242, SessionVersion: 1);

    public static string Load(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "WebRtc", "Offers", name));

    public static WebRtcOffer Read(string sdp)
    {
        Assert.True(WebRtcOfferReader.TryRead(sdp, out var offer, out var error, out var message), $"{error}: {message}");
        Assert.Equal(WebRtcOfferError.None, error);
        return offer!;
    }

    public static WebRtcAnswer Answer(string sdp, WebRtcLocalParameters? local = null)
    {
        var offer = Read(sdp);
        Assert.True(WebRtcAnswerer.TryAnswer(offer, local ?? Local, out var answer, out var error, out var message), $"{error}: {message}");
        return answer!;
    }

    public static SessionDescription Parse(string sdp)
    {
        Assert.True(SessionDescription.TryParse(sdp, out var description, out var error), error);
        return description;
    }

    /// <summary>The offer without the payload types of one encoding (and their rtx), as a browser that lacks it.</summary>
    public static string WithoutEncoding(string sdp, string encoding)
    {
        var description = Parse(sdp);
        foreach (var media in description.Media)
        {
            var gone = media.Find("rtpmap").Select(a => RtpMap.TryParse(a.Value, out var map) ? map : null)
                .Where(m => m is not null && m.Encoding.Equals(encoding, StringComparison.OrdinalIgnoreCase))
                .Select(m => m!.PayloadType.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
            foreach (var fmtp in media.Find("fmtp").ToList())
            {
                if (fmtp.Value is { } value && value.Split(' ') is [var pt, var parameters] && parameters.StartsWith("apt=", StringComparison.Ordinal)
                    && gone.Contains(parameters[4..]))
                {
                    gone.Add(pt);
                }
            }
            media.Formats.RemoveAll(gone.Contains);
            media.Attributes.RemoveAll(a => a.Name is "rtpmap" or "fmtp" or "rtcp-fb" && gone.Contains((a.Value ?? "").Split(' ')[0]));
        }
        return description.ToString();
    }
}
