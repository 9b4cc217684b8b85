using System.Collections.Frozen;

namespace Sparkle.Video.Layouts;

/// <summary>The 26 built-in layouts. Tile 0 is always the first floor slot.</summary>
public static class LayoutCatalogue
{
    private static readonly VideoLayout[] s_all = Create();
    private static readonly FrozenDictionary<string, VideoLayout> s_byId = s_all.ToFrozenDictionary(l => l.Id, StringComparer.Ordinal);

    public static IReadOnlyList<VideoLayout> All => s_all;

    public static VideoLayout Get(string id) =>
        s_byId.TryGetValue(id, out var layout) ? layout : throw new KeyNotFoundException($"Unknown layout '{id}'.");

    public static bool TryGet(string id, out VideoLayout layout) => s_byId.TryGetValue(id, out layout!);

    private static VideoLayout[] Create()
    {
        var layouts = new List<VideoLayout>();
        for (var n = 1; n <= 10; n++)
        {
            layouts.Add(Grid(n, n));
        }

        layouts.Add(new LayoutBuilder(2, 2).Rect(0, 0.25, 0.5, 0.5, floor: true).Rect(0.5, 0.25, 0.5, 0.5)
            .Build("side-by-side", "Side by side (2)", LayoutKind.Grid, isDense: false));
        layouts.Add(Grid(3, 2));

        // One large plus N: the large tile spans (n-1)x(n-1) units in a corner, or sits in the centre.
        layouts.Add(new LayoutBuilder(3, 3).Cell(0, 0, 2, 2, floor: true).FillRemainingCells()
            .Build("one-plus-5", "1 large + 5", LayoutKind.OneLargePlusN, isDense: true));
        layouts.Add(new LayoutBuilder(4, 4).Cell(0, 0, 3, 3, floor: true).FillRemainingCells()
            .Build("one-plus-7", "1 large + 7", LayoutKind.OneLargePlusN, isDense: true));
        layouts.Add(new LayoutBuilder(5, 5).Cell(0, 0, 4, 4, floor: true).FillRemainingCells()
            .Build("one-plus-9", "1 large + 9", LayoutKind.OneLargePlusN, isDense: true));
        layouts.Add(new LayoutBuilder(4, 4).Cell(1, 1, 2, 2, floor: true).FillRemainingCells()
            .Build("one-plus-12", "1 large centred + 12", LayoutKind.OneLargePlusN, isDense: true));
        layouts.Add(new LayoutBuilder(5, 5).Cell(1, 1, 3, 3, floor: true).FillRemainingCells()
            .Build("one-plus-16", "1 large centred + 16", LayoutKind.OneLargePlusN, isDense: true));

        // Two and three large: the current and previous speakers share the top of the canvas.
        layouts.Add(new LayoutBuilder(4, 4).Cell(0, 0, 2, 2, floor: true).Cell(2, 0, 2, 2, floor: true).FillRemainingCells()
            .Build("two-plus-8", "2 large + 8", LayoutKind.TwoLargePlusN, isDense: true));
        layouts.Add(new LayoutBuilder(6, 6).Cell(0, 0, 3, 3, floor: true).Cell(3, 0, 3, 3, floor: true).FillRemainingCells()
            .Build("two-plus-18", "2 large + 18", LayoutKind.TwoLargePlusN, isDense: true));
        layouts.Add(new LayoutBuilder(6, 3).Cell(0, 0, 2, 2, floor: true).Cell(2, 0, 2, 2, floor: true).Cell(4, 0, 2, 2, floor: true)
            .FillRemainingCells().Build("three-plus-6", "3 large + 6", LayoutKind.ThreeLargePlusN, isDense: true));
        layouts.Add(new LayoutBuilder(6, 4).Cell(0, 0, 2, 2, floor: true).Cell(2, 0, 2, 2, floor: true).Cell(4, 0, 2, 2, floor: true)
            .FillRemainingCells().Build("three-plus-12", "3 large + 12", LayoutKind.ThreeLargePlusN, isDense: true));

        // Insets are drawn over the full-canvas floor tile (higher Z).
        layouts.Add(new LayoutBuilder(1, 1).Cell(0, 0, floor: true).Rect(0.72, 0.72, 0.25, 0.25, z: 1)
            .Build("pip", "Picture in picture (1+1)", LayoutKind.PictureInPicture, isDense: true, allowsOverlap: true));
        layouts.Add(new LayoutBuilder(1, 1).Cell(0, 0, floor: true).Rect(0.03, 0.72, 0.25, 0.25, z: 1).Rect(0.72, 0.72, 0.25, 0.25, z: 1)
            .Build("pip-two", "Picture in picture (1+2)", LayoutKind.PictureInPicture, isDense: true, allowsOverlap: true));
        var insets = new LayoutBuilder(1, 1).Cell(0, 0, floor: true);
        for (var i = 0; i < 4; i++)
        {
            insets.Rect(0.04 + (i * 0.235), 0.76, 0.2, 0.2, z: 1);
        }

        layouts.Add(insets.Build("insets-1+4", "Overlapping insets (1+4)", LayoutKind.OverlappingInsets, isDense: true, allowsOverlap: true));

        // Film strips: the speaker large, the others in a strip below or to the right.
        var bottom = new LayoutBuilder(8, 4).Cell(1, 0, 6, 3, floor: true);
        for (var i = 0; i < 4; i++)
        {
            bottom.Cell(i * 2, 3, 2, 1);
        }

        layouts.Add(bottom.Build("filmstrip-bottom", "Film strip below (1+4)", LayoutKind.FilmStrip, isDense: false));
        var right = new LayoutBuilder(5, 5).Rect(0, 0.1, 0.8, 0.8, floor: true);
        for (var i = 0; i < 5; i++)
        {
            right.Cell(4, i);
        }

        layouts.Add(right.Build("filmstrip-right", "Film strip right (1+5)", LayoutKind.FilmStrip, isDense: false));
        return [.. layouts];
    }

    private static VideoLayout Grid(int columns, int rows)
    {
        var builder = new LayoutBuilder(columns, rows);
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                builder.Cell(column, row, floor: row == 0 && column == 0);
            }
        }

        return builder.Build($"grid-{columns}x{rows}", $"Grid {columns}x{rows} ({columns * rows})", LayoutKind.Grid, isDense: true);
    }
}
