namespace Sparkle.Media.Mixing;

/// <summary>A mixer leg's sink that is a cascade trunk: with each frame it is told who is in it, so the far worker
/// can name the speakers (RTP CSRCs, RFC 3550 §5.1, with RFC 6465 levels).</summary>
public interface IMixerTrunkSink : IMixerLegSink
{
    /// <summary>One encoded frame and the participants mixed into it (mixer thread; valid only during the call).</summary>
    void SendMix(ReadOnlySpan<byte> payload, uint rtpTicks, MixContributors contributors);
}

/// <summary>The participants mixed into one frame, loudest first, with their levels (-dBov, 0..127, RFC 6465).
/// One reused instance per mixer: filling it allocates nothing.</summary>
public sealed class MixContributors
{
    /// <summary>RFC 3550 allows at most 15 CSRCs in a packet.</summary>
    public const int Max = 15;

    private readonly string[] _ids = new string[Max];
    private readonly byte[] _levels = new byte[Max];

    public int Count { get; private set; }
    public ReadOnlySpan<string> Ids => _ids.AsSpan(0, Count);
    public ReadOnlySpan<byte> Levels => _levels.AsSpan(0, Count);

    internal void Clear() => Count = 0;

    internal void Add(string participantId, byte level)
    {
        if (Count < Max && Array.IndexOf(_ids, participantId, 0, Count) < 0)
        {
            _ids[Count] = participantId;
            _levels[Count] = level;
            Count++;
        }
    }

    /// <summary>A level in dBov as RFC 6465 carries it: 0 (loudest) to 127 (silence).</summary>
    internal static byte ToLevel(double dbov) => (byte)Math.Clamp((int)Math.Round(-dbov), 0, 127);
}
