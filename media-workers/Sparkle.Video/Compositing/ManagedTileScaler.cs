namespace Sparkle.Video.Compositing;

internal sealed class ManagedTileScaler : ITileScaler
{
    private readonly PlaneScaler _luma = new();
    private readonly PlaneScaler _chroma = new();

    public void Scale(I420Frame source, I420Frame canvas, TileRect rect)
    {
        _luma.Configure(source.Width, source.Height, rect.Width, rect.Height);
        _luma.Scale(source.Y, source.StrideY, canvas.Y[((rect.Y * canvas.StrideY) + rect.X)..], canvas.StrideY);

        _chroma.Configure(source.StrideUv, source.ChromaHeight, rect.Width / 2, rect.Height / 2);
        var chromaOffset = (rect.Y / 2 * canvas.StrideUv) + (rect.X / 2);
        _chroma.Scale(source.U, source.StrideUv, canvas.U[chromaOffset..], canvas.StrideUv);
        _chroma.Scale(source.V, source.StrideUv, canvas.V[chromaOffset..], canvas.StrideUv);
    }

    public void Dispose()
    {
    }
}
