namespace Sparkle.Media.WebRtc;

/// <summary>Why a browser's offer cannot be taken; the message that goes with it says what was seen.</summary>
public enum WebRtcOfferError
{
    None,
    Unparseable,
    NoFingerprint,
    PlainRtp,
    NoIceCredentials,
    SetupNotSupported,
    NotBundled,
    NoSupportedCodec,
}
