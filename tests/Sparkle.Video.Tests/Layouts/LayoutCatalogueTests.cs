using Sparkle.Video.Layouts;

namespace Sparkle.Video.Tests.Layouts;

public class LayoutCatalogueTests
{
    private const double Epsilon = 1e-9;

    public static TheoryData<string> LayoutIds()
    {
        var data = new TheoryData<string>();
        foreach (var layout in LayoutCatalogue.All)
        {
            data.Add(layout.Id);
        }

        return data;
    }

    [Fact]
    public void CatalogueHasExactly26DistinctIdsAndNames()
    {
        Assert.Equal(26, LayoutCatalogue.All.Count);
        Assert.Equal(26, LayoutCatalogue.All.Select(l => l.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(26, LayoutCatalogue.All.Select(l => l.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(LayoutCatalogue.All, l => Assert.False(string.IsNullOrWhiteSpace(l.Name)));
    }

    [Fact]
    public void CatalogueCoversEveryKindTheProductPromises()
    {
        foreach (var kind in Enum.GetValues<LayoutKind>())
        {
            Assert.Contains(LayoutCatalogue.All, l => l.Kind == kind);
        }

        Assert.Contains(LayoutCatalogue.All, l => l.Capacity == 100);
    }

    [Theory]
    [MemberData(nameof(LayoutIds))]
    public void EveryTileLiesInsideTheCanvas(string id)
    {
        var layout = LayoutCatalogue.Get(id);
        Assert.NotEmpty(layout.Tiles);
        Assert.All(layout.Tiles, t =>
        {
            Assert.True(t.Width > 0 && t.Height > 0, $"{id} tile {t.Index} is empty");
            Assert.InRange(t.X, 0, 1);
            Assert.InRange(t.Y, 0, 1);
            Assert.InRange(t.Right, 0, 1 + Epsilon);
            Assert.InRange(t.Bottom, 0, 1 + Epsilon);
        });
    }

    [Theory]
    [MemberData(nameof(LayoutIds))]
    public void TilesDoNotOverlapUnlessTheLayoutSaysSo(string id)
    {
        var layout = LayoutCatalogue.Get(id);
        var overlaps = PairsOverlapping(layout).ToList();
        if (layout.AllowsOverlap)
        {
            Assert.NotEmpty(overlaps);
            // Overlapping tiles must be ordered: an inset is drawn above what it covers.
            Assert.All(overlaps, p => Assert.NotEqual(p.A.Z, p.B.Z));
        }
        else
        {
            Assert.Empty(overlaps);
        }
    }

    [Theory]
    [MemberData(nameof(LayoutIds))]
    public void DenseLayoutsCoverTheWholeCanvas(string id)
    {
        var layout = LayoutCatalogue.Get(id);
        // Sample a fine lattice: every point is covered by some tile exactly when the layout is dense.
        var uncovered = 0;
        const int steps = 200;
        for (var i = 0; i < steps; i++)
        {
            for (var j = 0; j < steps; j++)
            {
                var x = (i + 0.5) / steps;
                var y = (j + 0.5) / steps;
                if (!layout.Tiles.Any(t => x >= t.X && x < t.Right && y >= t.Y && y < t.Bottom))
                {
                    uncovered++;
                }
            }
        }

        if (layout.IsDense)
        {
            Assert.Equal(0, uncovered);
        }
        else
        {
            Assert.True(uncovered > 0, $"{id} claims gaps but covers the canvas");
        }
    }

    [Theory]
    [MemberData(nameof(LayoutIds))]
    public void EveryLayoutHasAFloorSlotAndTileZeroIsTheFirst(string id)
    {
        var layout = LayoutCatalogue.Get(id);
        Assert.NotEmpty(layout.FloorSlots);
        Assert.Equal(0, layout.FloorSlots[0]);
        Assert.All(layout.FloorSlots, s => Assert.True(layout.Tiles[s].IsFloor));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void SquareGridsAreAsDenseAsClaimed(int n)
    {
        var layout = LayoutCatalogue.Get($"grid-{n}x{n}");
        Assert.Equal(n * n, layout.Capacity);
        Assert.True(layout.IsDense);
        Assert.All(layout.Tiles, t =>
        {
            Assert.Equal(1.0 / n, t.Width, 12);
            Assert.Equal(1.0 / n, t.Height, 12);
        });
        Assert.Equal(1.0, layout.Tiles.Sum(t => t.Area), 9);
    }

    [Theory]
    [InlineData("one-plus-5", 1, 5)]
    [InlineData("one-plus-7", 1, 7)]
    [InlineData("one-plus-9", 1, 9)]
    [InlineData("one-plus-12", 1, 12)]
    [InlineData("one-plus-16", 1, 16)]
    [InlineData("two-plus-8", 2, 8)]
    [InlineData("two-plus-18", 2, 18)]
    [InlineData("three-plus-6", 3, 6)]
    [InlineData("three-plus-12", 3, 12)]
    [InlineData("pip", 1, 1)]
    [InlineData("insets-1+4", 1, 4)]
    [InlineData("filmstrip-bottom", 1, 4)]
    [InlineData("filmstrip-right", 1, 5)]
    public void LargePlusNLayoutsHaveTheAdvertisedTiles(string id, int large, int small)
    {
        var layout = LayoutCatalogue.Get(id);
        Assert.Equal(large + small, layout.Capacity);
        Assert.Equal(large, layout.FloorSlots.Count);
        var smallest = layout.Tiles.Where(t => !t.IsFloor).Max(t => t.Area);
        Assert.All(layout.FloorSlots, s => Assert.True(layout.Tiles[s].Area > smallest * 2, $"floor slot {s} is not large"));
    }

    [Fact]
    public void UnknownIdIsReported()
    {
        Assert.False(LayoutCatalogue.TryGet("grid-11x11", out _));
        Assert.Throws<KeyNotFoundException>(() => LayoutCatalogue.Get("nope"));
    }

    private static IEnumerable<(LayoutTile A, LayoutTile B)> PairsOverlapping(VideoLayout layout)
    {
        for (var i = 0; i < layout.Tiles.Count; i++)
        {
            for (var j = i + 1; j < layout.Tiles.Count; j++)
            {
                if (layout.Tiles[i].Overlaps(layout.Tiles[j]))
                {
                    yield return (layout.Tiles[i], layout.Tiles[j]);
                }
            }
        }
    }
}
