namespace Sparkle.Video.Compositing;

/// <summary>Scales a participant's picture into a tile of the canvas (centre crop to fill).</summary>
internal interface ITileScaler : IDisposable
{
    void Scale(I420Frame source, I420Frame canvas, TileRect rect);
}
