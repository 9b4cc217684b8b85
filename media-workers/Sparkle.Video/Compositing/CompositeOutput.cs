using Sparkle.Video.Layouts;

namespace Sparkle.Video.Compositing;

/// <summary>
/// One composite stream of a meeting: a resolution and optionally a layout of its own. Every
/// receiver of the same output shares its canvas (and so its encode).
/// </summary>
public sealed class CompositeOutput : IDisposable
{
    private TileContent[] _tiles = [];
    private string?[] _assigned = [];

    internal CompositeOutput(VideoLayout initialLayout, VideoLayout? layoutOverride, int width, int height, CompositorOptions options)
    {
        LayoutOverride = layoutOverride;
        Compositor = new VideoCompositor(layoutOverride ?? initialLayout, width, height, options);
    }

    /// <summary>A layout this output always uses; null follows the meeting's layout.</summary>
    public VideoLayout? LayoutOverride { get; }

    public VideoCompositor Compositor { get; }

    public I420Frame Canvas => Compositor.Canvas;

    public int Width => Compositor.Width;

    public int Height => Compositor.Height;

    /// <summary>The larger output this one was scaled from in the last frame (null when composed from tiles).</summary>
    public CompositeOutput? DerivedFrom { get; internal set; }

    /// <summary>Frames composed so far.</summary>
    public long FrameCount { get; internal set; }

    /// <summary>Participant id per slot as of the last composed frame (null = empty slot).</summary>
    public IReadOnlyList<string?> Assignment => _assigned;

    public void Dispose() => Compositor.Dispose();

    internal (TileContent[] Tiles, string?[] Assigned) Buffers(int capacity)
    {
        if (_tiles.Length != capacity)
        {
            _tiles = new TileContent[capacity];
            _assigned = new string?[capacity];
        }

        return (_tiles, _assigned);
    }
}
