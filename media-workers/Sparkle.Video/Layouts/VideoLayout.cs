namespace Sparkle.Video.Layouts;

/// <summary>
/// A layout as data. <see cref="IsDense"/> claims the tiles cover the whole canvas without gaps;
/// <see cref="AllowsOverlap"/> says some tiles are drawn over others (insets).
/// </summary>
public sealed class VideoLayout
{
    private readonly LayoutTile[] _tiles;
    private readonly int[] _floorSlots;
    private readonly int[] _drawOrder;

    public VideoLayout(string id, string name, LayoutKind kind, IEnumerable<LayoutTile> tiles, bool isDense, bool allowsOverlap)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id;
        Name = name;
        Kind = kind;
        _tiles = tiles.ToArray();
        for (var i = 0; i < _tiles.Length; i++)
        {
            if (_tiles[i].Index != i)
            {
                throw new ArgumentException($"Tile {i} of layout {id} has index {_tiles[i].Index}.", nameof(tiles));
            }
        }

        IsDense = isDense;
        AllowsOverlap = allowsOverlap;
        _floorSlots = _tiles.Where(t => t.IsFloor).Select(t => t.Index).ToArray();
        // Stable sort: equal Z keeps index order, so the drawing order is deterministic.
        _drawOrder = _tiles.OrderBy(t => t.Z).ThenBy(t => t.Index).Select(t => t.Index).ToArray();
    }

    public string Id { get; }

    public string Name { get; }

    public LayoutKind Kind { get; }

    public bool IsDense { get; }

    public bool AllowsOverlap { get; }

    public IReadOnlyList<LayoutTile> Tiles => _tiles;

    /// <summary>Number of participants the layout can show at once.</summary>
    public int Capacity => _tiles.Length;

    /// <summary>Floor slot indexes, most important first (the current speaker goes to the first).</summary>
    public IReadOnlyList<int> FloorSlots => _floorSlots;

    /// <summary>Tile indexes in the order they must be painted (lowest Z first).</summary>
    public ReadOnlySpan<int> DrawOrder => _drawOrder;

    public override string ToString() => $"{Id} ({Name})";
}
