using Sparkle.Video.Layouts;

namespace Sparkle.GraphQL.Layouts;

/// <summary>A video layout: its id (what setLayout takes), a name, how many slots it shows, and where its
/// tiles sit on the picture (none for the automatic groups, which pick a layout by participant count).</summary>
public sealed record LayoutInfo(string Id, string Name, int Slots, IReadOnlyList<LayoutTile> Tiles);
