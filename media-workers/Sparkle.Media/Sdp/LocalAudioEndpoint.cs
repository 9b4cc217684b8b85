using Sparkle.Media.Codecs;

namespace Sparkle.Media.Sdp;

/// <summary>What the worker brings to a negotiation: its address and ports, codec preference, policy,
/// and the o= line state (the version must grow with each new description of the same session).</summary>
public sealed record LocalAudioEndpoint(
    string Address,
    int RtpPort,
    bool SrtpRequired,
    ulong SessionId,
    ulong SessionVersion)
{
    /// <summary>Our preference when we offer (the offerer's order wins when we answer).</summary>
    public IReadOnlyList<AudioCodec> Codecs { get; init; } = [AudioCodec.Opus, AudioCodec.G722, AudioCodec.Pcmu, AudioCodec.Pcma];

    /// <summary>Our video port and preferences; null: video m= lines are rejected (port 0).</summary>
    public LocalVideoEndpoint? Video { get; init; }

    public const int Ptime = 20;

    internal string OriginLine => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"sparkle {SessionId} {SessionVersion} IN {AddressType} {Address}");

    internal string ConnectionLine => $"IN {AddressType} {Address}";

    private string AddressType => Address.Contains(':', StringComparison.Ordinal) ? "IP6" : "IP4";
}
