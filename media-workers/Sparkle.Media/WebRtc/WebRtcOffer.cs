using Sparkle.Media.Sdp;

namespace Sparkle.Media.WebRtc;

/// <summary>What a browser's complete offer (gathering finished) asks for, read and checked.</summary>
public sealed record WebRtcOffer(
    SessionDescription Description,
    string IceUfrag,
    string IcePassword,
    string FingerprintAlgorithm,
    string Fingerprint,
    IReadOnlyList<string> BundleMids);
