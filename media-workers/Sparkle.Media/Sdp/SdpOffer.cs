using Sparkle.Media.Codecs;
using Sparkle.Media.Srtp;
using Sparkle.Video.Codecs;

namespace Sparkle.Media.Sdp;

/// <summary>Our own offer (dial-out, or an offerless INVITE) and what we remember to read the answer.</summary>
public sealed record SdpOffer(SessionDescription Description, IReadOnlyDictionary<int, AudioCodec> PayloadTypes,
    IReadOnlyDictionary<int, (SrtpSuite Suite, byte[] Key)> Crypto, bool Secure)
{
    /// <summary>Our video payload types (empty when we offered no video).</summary>
    public IReadOnlyDictionary<int, VideoCodec> VideoPayloadTypes { get; init; } = new Dictionary<int, VideoCodec>();

    /// <summary>The keys of our video section's crypto lines, by tag.</summary>
    public IReadOnlyDictionary<int, (SrtpSuite Suite, byte[] Key)> VideoCrypto { get; init; } = new Dictionary<int, (SrtpSuite, byte[])>();

    public override string ToString() => Description.ToString();
}
