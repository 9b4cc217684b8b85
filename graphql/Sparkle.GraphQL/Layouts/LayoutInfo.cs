namespace Sparkle.GraphQL.Layouts;

/// <summary>A video layout: its id (what setLayout takes), a name, and how many slots it shows.</summary>
public sealed record LayoutInfo(string Id, string Name, int Slots);
