namespace Sparkle.Video.Compositing;

/// <summary>Same values as the grain contract's LayoutMode, so the worker can cast.</summary>
public enum LayoutMode
{
    /// <summary>Only the chair's placements and join order decide; speech moves nobody.</summary>
    Fixed = 0,

    /// <summary>The active speaker takes the floor slots; others fill the rest in join order.</summary>
    Automatic = 1,
}
