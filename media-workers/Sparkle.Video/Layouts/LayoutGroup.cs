namespace Sparkle.Video.Layouts;

/// <summary>An "auto" layout: picks the smallest member that can show every participant.</summary>
public sealed class LayoutGroup
{
    private readonly VideoLayout[] _layouts;

    public LayoutGroup(string id, string name, IEnumerable<VideoLayout> layouts)
    {
        Id = id;
        Name = name;
        _layouts = layouts.OrderBy(l => l.Capacity).ToArray();
        if (_layouts.Length == 0)
        {
            throw new ArgumentException("A layout group needs at least one layout.", nameof(layouts));
        }
    }

    public string Id { get; }

    public string Name { get; }

    public IReadOnlyList<VideoLayout> Layouts => _layouts;

    /// <summary>The smallest layout that fits <paramref name="participants"/>, or the largest one.</summary>
    public VideoLayout Pick(int participants)
    {
        foreach (var layout in _layouts)
        {
            if (layout.Capacity >= participants)
            {
                return layout;
            }
        }

        return _layouts[^1];
    }
}
