namespace Sparkle.Media.Sdp;

/// <summary>The outcome of answering an offer or completing our own: on failure, Error says why (the
/// gateway answers 488). Video is null when none was offered or it was rejected (port 0).</summary>
public sealed record SdpNegotiationResult(
    bool Ok, string? Error, SessionDescription? LocalDescription, NegotiatedAudio? Audio, NegotiatedVideo? Video = null)
{
    public static SdpNegotiationResult Fail(string error) => new(false, error, null, null);
}
