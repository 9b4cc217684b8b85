namespace Sparkle.Video.Compositing;

public enum LayoutMode
{
    /// <summary>The active speaker takes the floor slots; others fill the rest in join order.</summary>
    Automatic,

    /// <summary>Only the chair's placements and join order decide; speech moves nobody.</summary>
    Fixed,
}
