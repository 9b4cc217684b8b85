namespace Sparkle.Client;

/// <summary>One of the video layouts (the layouts query): its slots drawn as tiles in fractions of the picture.</summary>
public sealed record VideoLayout(string Id, string Name, int Slots, IReadOnlyList<LayoutTile> Tiles);

public sealed record LayoutTile(int Slot, double X, double Y, double Width, double Height, int Z, bool Floor);
