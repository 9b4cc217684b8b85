namespace Sparkle.Video.Layouts;

/// <summary>Builds layouts on a grid of equal units so adjacent tiles share exact edges.</summary>
internal sealed class LayoutBuilder(int columns, int rows)
{
    private readonly List<LayoutTile> _tiles = [];

    public LayoutBuilder Cell(int column, int row, int columnSpan = 1, int rowSpan = 1, bool floor = false) =>
        Rect((double)column / columns, (double)row / rows, (double)columnSpan / columns, (double)rowSpan / rows, 0, floor);

    public LayoutBuilder Rect(double x, double y, double width, double height, int z = 0, bool floor = false)
    {
        _tiles.Add(new LayoutTile(_tiles.Count, x, y, width, height, z, floor));
        return this;
    }

    /// <summary>Adds every unit cell not covered by an earlier tile, row by row.</summary>
    public LayoutBuilder FillRemainingCells()
    {
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                var probe = new LayoutTile(-1, (column + 0.5) / columns, (row + 0.5) / rows, 1e-6, 1e-6, 0, false);
                if (!_tiles.Any(t => t.Overlaps(probe, 0)))
                {
                    Cell(column, row);
                }
            }
        }

        return this;
    }

    public VideoLayout Build(string id, string name, LayoutKind kind, bool isDense, bool allowsOverlap = false) =>
        new(id, name, kind, _tiles, isDense, allowsOverlap);
}
