namespace Sparkle.GraphQL.Layouts;

/// <summary>The layouts the API offers. A placeholder until the video compositor publishes its catalogue
/// (26 layouts); the ids here are the ones the compositor is expected to accept.</summary>
public static class LayoutCatalog
{
    public static IReadOnlyList<LayoutInfo> All { get; } =
    [
        new("auto", "Automatic (by number of participants)", 0),
        new("1x1", "Single speaker", 1),
        new("2x2", "Grid of 4", 4),
        new("3x3", "Grid of 9", 9),
        new("4x4", "Grid of 16", 16),
        new("1+5", "One large, five small", 6),
        new("1+7", "One large, seven small", 8),
    ];

    public static bool Contains(string id) => All.Any(l => l.Id == id);
}
