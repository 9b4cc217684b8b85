using Sparkle.Video.Layouts;

namespace Sparkle.GraphQL.Layouts;

/// <summary>The layouts the API offers: "auto" (the default group), the automatic groups that pick a layout
/// by participant count, and the compositor's 26 layouts (Sparkle.Video's <see cref="LayoutCatalogue"/>).
/// Every id here is one the media worker's video mixer accepts.</summary>
public static class LayoutCatalog
{
    public static IReadOnlyList<LayoutInfo> All { get; } =
    [
        new("auto", $"Automatic ({LayoutGroups.Default.Name.ToLowerInvariant()})", 0, []),
        .. LayoutGroups.All.Select(g => new LayoutInfo(g.Id, g.Name, 0, [])),
        .. LayoutCatalogue.All.Select(l => new LayoutInfo(l.Id, l.Name, l.Capacity, l.Tiles)),
    ];

    private static readonly HashSet<string> s_ids = [.. All.Select(l => l.Id)];

    public static bool Contains(string id) => s_ids.Contains(id);
}
