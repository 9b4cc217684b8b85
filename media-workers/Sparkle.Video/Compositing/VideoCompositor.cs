using Sparkle.Video.Imaging;
using Sparkle.Video.Layouts;

namespace Sparkle.Video.Compositing;

/// <summary>
/// Paints one output canvas (one layout at one resolution) from per-slot tile contents. A new
/// layout set with <see cref="SetLayout"/> takes effect at the next <see cref="Compose"/>; all
/// buffers are kept between frames, so composing allocates nothing.
/// </summary>
public sealed class VideoCompositor : IDisposable
{
    public const int DefaultWidth = 1280;
    public const int DefaultHeight = 720;

    private readonly CompositorOptions _options;
    private readonly ITileScaler _scaler;
    private ITileScaler? _canvasScaler;
    private VideoLayout _layout;
    private VideoLayout? _pending;
    private TileRect[] _rects;

    public VideoCompositor(VideoLayout layout, int width = DefaultWidth, int height = DefaultHeight, CompositorOptions? options = null)
    {
        if (width % 2 != 0 || height % 2 != 0 || width > 4096 || height > 2304)
        {
            throw new ArgumentException($"Canvas {width}x{height} must have even sides up to 4096x2304.");
        }

        _options = options ?? CompositorOptions.Default;
        _scaler = _options.Scaler switch
        {
            ScalerKind.Managed => new ManagedTileScaler(),
            ScalerKind.Swscale => new SwsTileScaler(),
            _ => SwsTileScaler.IsAvailable() ? new SwsTileScaler() : new ManagedTileScaler(),
        };
        _layout = layout;
        Canvas = new I420Frame(width, height);
        Canvas.Fill(_options.Background);
        _rects = ComputeRects(layout);
    }

    public I420Frame Canvas { get; }

    public int Width => Canvas.Width;

    public int Height => Canvas.Height;

    /// <summary>The layout the last composed frame used.</summary>
    public VideoLayout Layout => _layout;

    public IReadOnlyList<TileRect> TileRects => _rects;

    /// <summary>Switches layout from the next frame on (thread-safe with respect to Compose).</summary>
    public void SetLayout(VideoLayout layout) => Volatile.Write(ref _pending, layout);

    /// <summary>Paints every slot; <paramref name="tiles"/>[i] is the content of slot i (missing slots are empty).</summary>
    public void Compose(ReadOnlySpan<TileContent> tiles)
    {
        var pending = Interlocked.Exchange(ref _pending, null);
        if (pending is not null && !ReferenceEquals(pending, _layout))
        {
            _layout = pending;
            _rects = ComputeRects(pending);
        }

        if (!_layout.IsDense)
        {
            Canvas.Fill(_options.Background);
        }

        foreach (var slot in _layout.DrawOrder)
        {
            var rect = _rects[slot];
            if (rect.Width < 2 || rect.Height < 2)
            {
                continue;
            }

            var content = slot < tiles.Length ? tiles[slot] : TileContent.Empty;
            switch (content.State)
            {
                case TileState.Video when content.Frame is not null:
                    _scaler.Scale(content.Frame, Canvas, rect);
                    if (_options.ShowNames && !string.IsNullOrEmpty(content.Name))
                    {
                        DrawLabel(rect, content.Name);
                    }

                    break;
                case TileState.Video:
                case TileState.VideoOff:
                    FillRect(rect, _options.VideoOffFill);
                    DrawCentredName(rect, string.IsNullOrEmpty(content.Name) ? "VIDEO OFF" : content.Name);
                    break;
                default:
                    FillRect(rect, _options.Background);
                    break;
            }

            if (_options.BorderWidth > 0)
            {
                StrokeRect(rect, content.Highlight ? _options.HighlightBorder : _options.Border);
            }
        }
    }

    /// <summary>
    /// Paints this canvas as a scaled copy of a larger one that shows the same layout: a
    /// low-resolution stream costs one picture scale instead of scaling every tile again.
    /// </summary>
    public void ComposeFrom(VideoCompositor larger)
    {
        if (larger.Width < Width || larger.Height < Height)
        {
            throw new ArgumentException("The source canvas must not be smaller than this one.", nameof(larger));
        }

        Volatile.Write(ref _pending, null);
        if (!ReferenceEquals(larger.Layout, _layout))
        {
            _layout = larger.Layout;
            _rects = ComputeRects(_layout);
        }

        _canvasScaler ??= _options.Scaler == ScalerKind.Managed || !SwsTileScaler.IsAvailable() ? new ManagedTileScaler() : new SwsTileScaler();
        _canvasScaler.Scale(larger.Canvas, Canvas, new TileRect(0, 0, Width, Height));
    }

    public void Dispose()
    {
        _scaler.Dispose();
        _canvasScaler?.Dispose();
        Canvas.Dispose();
    }

    private TileRect[] ComputeRects(VideoLayout layout)
    {
        var rects = new TileRect[layout.Capacity];
        for (var i = 0; i < rects.Length; i++)
        {
            rects[i] = TileRect.FromLayout(layout.Tiles[i], Canvas.Width, Canvas.Height);
        }

        return rects;
    }

    private void FillRect(TileRect rect, YuvColor colour)
    {
        var canvas = Canvas;
        var y = canvas.Y;
        for (var row = rect.Y; row < rect.Y + rect.Height; row++)
        {
            y.Slice((row * canvas.StrideY) + rect.X, rect.Width).Fill(colour.Y);
        }

        var u = canvas.U;
        var v = canvas.V;
        for (var row = rect.Y / 2; row < (rect.Y + rect.Height) / 2; row++)
        {
            u.Slice((row * canvas.StrideUv) + (rect.X / 2), rect.Width / 2).Fill(colour.U);
            v.Slice((row * canvas.StrideUv) + (rect.X / 2), rect.Width / 2).Fill(colour.V);
        }
    }

    private void StrokeRect(TileRect rect, YuvColor colour)
    {
        var t = Math.Min((_options.BorderWidth + 1) & ~1, Math.Min(rect.Width, rect.Height) / 2 & ~1);
        if (t == 0)
        {
            return;
        }

        FillRect(rect with { Height = t }, colour);
        FillRect(rect with { Y = rect.Y + rect.Height - t, Height = t }, colour);
        FillRect(rect with { Width = t }, colour);
        FillRect(rect with { X = rect.X + rect.Width - t, Width = t }, colour);
    }

    private void DrawLabel(TileRect rect, string name)
    {
        var scale = rect.Width >= 400 ? 2 : 1;
        var text = FitText(name, rect.Width - 12, scale);
        if (text.IsEmpty || rect.Height < 24)
        {
            return;
        }

        var height = BitmapFont.MeasureHeight(scale);
        var box = new TileRect(rect.X + 4, rect.Y + rect.Height - height - 10, (BitmapFont.MeasureWidth(text, scale) + 7) & ~1, height + 6);
        FillRect(box, YuvColor.Black);
        DrawText(text, box.X + 3, box.Y + 3, scale, rect);
    }

    private void DrawCentredName(TileRect rect, string name)
    {
        var scale = Math.Clamp(rect.Width / 160, 1, 4);
        var text = FitText(name, rect.Width - 8, scale);
        DrawText(text, rect.CentreX - (BitmapFont.MeasureWidth(text, scale) / 2), rect.CentreY - (BitmapFont.MeasureHeight(scale) / 2), scale, rect);
    }

    private static ReadOnlySpan<char> FitText(string text, int maxWidth, int scale)
    {
        var fits = Math.Max(0, (maxWidth / scale) + 1) / BitmapFont.Advance;
        return text.AsSpan(0, Math.Min(text.Length, fits));
    }

    private void DrawText(ReadOnlySpan<char> text, int x, int y, int scale, TileRect clip)
    {
        var target = new CanvasGlyphTarget(Canvas, clip);
        BitmapFont.Render(text, x, y, scale, ref target);
    }

    /// <summary>White text: luma to white, chroma to neutral, clipped to the tile.</summary>
    private readonly struct CanvasGlyphTarget(I420Frame canvas, TileRect clip) : IGlyphTarget
    {
        public void Plot(int x, int y)
        {
            if (x < clip.X || y < clip.Y || x >= clip.X + clip.Width || y >= clip.Y + clip.Height)
            {
                return;
            }

            canvas.Y[(y * canvas.StrideY) + x] = YuvColor.White.Y;
            var chroma = (y / 2 * canvas.StrideUv) + (x / 2);
            canvas.U[chroma] = 128;
            canvas.V[chroma] = 128;
        }
    }
}
