namespace Sparkle.Video.Compositing;

public sealed record CompositorOptions
{
    public static CompositorOptions Default { get; } = new();

    /// <summary>Border drawn inside each tile, in luma pixels (rounded up to even for chroma).</summary>
    public int BorderWidth { get; init; } = 2;

    public YuvColor Background { get; init; } = YuvColor.Black;

    public YuvColor Border { get; init; } = new(40, 128, 128);

    /// <summary>Border of a highlighted tile (the active speaker).</summary>
    public YuvColor HighlightBorder { get; init; } = YuvColor.FromRgb(255, 200, 0);

    public YuvColor VideoOffFill { get; init; } = new(48, 136, 124);

    public bool ShowNames { get; init; } = true;

    public ScalerKind Scaler { get; init; } = ScalerKind.Auto;
}
