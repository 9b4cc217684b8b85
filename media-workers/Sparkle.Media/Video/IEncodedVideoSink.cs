namespace Sparkle.Media.Video;

/// <summary>Takes each encoded access unit of a shared composite stream (the recorder). Called on the
/// meeting's video thread under its tick lock: copy the bytes away and return; allocate nothing.</summary>
public interface IEncodedVideoSink
{
    /// <param name="timestamp">The frame's time, <see cref="System.Diagnostics.Stopwatch"/> ticks.</param>
    void OnEncodedVideo(ReadOnlySpan<byte> accessUnit, bool keyFrame, long timestamp);
}
