using Sparkle.Media.Codecs;
using Sparkle.Media.Srtp;

namespace Sparkle.Media.Sdp;

/// <summary>Our own offer (dial-out, or an offerless INVITE) and what we remember to read the answer.</summary>
public sealed record SdpOffer(SessionDescription Description, IReadOnlyDictionary<int, AudioCodec> PayloadTypes,
    IReadOnlyDictionary<int, (SrtpSuite Suite, byte[] Key)> Crypto, bool Secure)
{
    public override string ToString() => Description.ToString();
}
