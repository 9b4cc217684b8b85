namespace Sparkle.Video.Layouts;

public static class LayoutGroups
{
    public static LayoutGroup Grids { get; } = new(
        "auto-grid", "Equal grid for the participant count",
        Of("grid-1x1", "side-by-side", "grid-2x2", "grid-3x2", "grid-3x3", "grid-4x4", "grid-5x5", "grid-6x6", "grid-7x7", "grid-8x8", "grid-9x9", "grid-10x10"));

    public static LayoutGroup Speaker { get; } = new(
        "auto-speaker", "Speaker large, others small",
        Of("grid-1x1", "pip", "one-plus-5", "one-plus-7", "one-plus-9", "one-plus-12", "one-plus-16", "two-plus-18", "grid-8x8", "grid-10x10"));

    public static LayoutGroup Presenters { get; } = new(
        "auto-presenters", "Two or three speakers large",
        Of("side-by-side", "three-plus-6", "two-plus-8", "three-plus-12", "two-plus-18", "grid-10x10"));

    public static IReadOnlyList<LayoutGroup> All { get; } = [Grids, Speaker, Presenters];

    /// <summary>The group a meeting uses when the chair has not picked a layout.</summary>
    public static LayoutGroup Default => Grids;

    private static IEnumerable<VideoLayout> Of(params string[] ids) => ids.Select(LayoutCatalogue.Get);

    public static bool TryGet(string id, out LayoutGroup group)
    {
        group = All.FirstOrDefault(g => g.Id == id)!;
        return group is not null;
    }
}
