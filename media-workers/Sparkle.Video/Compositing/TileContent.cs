namespace Sparkle.Video.Compositing;

public enum TileState
{
    Empty,
    Video,
    VideoOff,
}

/// <summary>What one layout slot shows this frame. A struct so a frame's tile list allocates nothing.</summary>
public readonly record struct TileContent(TileState State, I420Frame? Frame, string? Name, bool Highlight)
{
    public static TileContent Empty => default;

    public static TileContent Video(I420Frame frame, string? name = null, bool highlight = false) =>
        new(TileState.Video, frame, name, highlight);

    public static TileContent Off(string? name, bool highlight = false) => new(TileState.VideoOff, null, name, highlight);
}
