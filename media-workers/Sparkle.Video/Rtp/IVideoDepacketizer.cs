namespace Sparkle.Video.Rtp;

public enum DepacketizeResult
{
    /// <summary>The packet was consumed; the frame is not complete yet.</summary>
    Pending,

    /// <summary>A complete frame is in <see cref="IVideoDepacketizer.Frame"/>.</summary>
    FrameReady,

    /// <summary>A frame was lost (gap, malformed packet, or a delta frame while waiting for a key frame).</summary>
    FrameDropped,
}

/// <summary>
/// Reassembles frames from RTP payloads of one sender, in sequence order (after the jitter buffer).
/// Malformed payloads drop the frame; they never throw.
/// </summary>
public interface IVideoDepacketizer
{
    ReadOnlySpan<byte> Frame { get; }

    bool FrameIsKeyFrame { get; }

    uint FrameTimestamp { get; }

    /// <summary>True after a loss until a key frame arrives: the caller should send PLI/FIR.</summary>
    bool KeyFrameNeeded { get; }

    DepacketizeResult Push(ReadOnlySpan<byte> payload, ushort sequenceNumber, uint timestamp, bool marker);
}
