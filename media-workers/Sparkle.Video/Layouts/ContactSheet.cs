using Sparkle.Video.Imaging;

namespace Sparkle.Video.Layouts;

/// <summary>
/// Draws every catalogue layout as a labelled thumbnail with numbered tiles (1-based, in slot
/// order); floor slots are orange. Used to keep docs/layouts/contact-sheet.png current.
/// </summary>
public static class ContactSheet
{
    private const int PanelWidth = 384;
    private const int PanelHeight = 216;
    private const int Margin = 16;
    private const int TitleHeight = 24;
    private const int Columns = 4;

    private static readonly Rgb s_background = new(32, 34, 40);
    private static readonly Rgb s_canvas = new(12, 12, 14);
    private static readonly Rgb s_border = new(240, 240, 240);

    public static RgbImage Render(IReadOnlyList<VideoLayout> layouts)
    {
        var rows = (layouts.Count + Columns - 1) / Columns;
        var image = new RgbImage(
            Margin + (Columns * (PanelWidth + Margin)),
            Margin + (rows * (PanelHeight + TitleHeight + Margin)));
        image.Fill(s_background);
        for (var i = 0; i < layouts.Count; i++)
        {
            var left = Margin + (i % Columns * (PanelWidth + Margin));
            var top = Margin + (i / Columns * (PanelHeight + TitleHeight + Margin));
            DrawPanel(image, layouts[i], left, top);
            image.DrawText($"{i + 1}. {layouts[i].Id}", left, top + PanelHeight + 8, 2, Rgb.White);
        }

        return image;
    }

    public static void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Render(LayoutCatalogue.All).SavePng(path);
    }

    private static void DrawPanel(RgbImage image, VideoLayout layout, int left, int top)
    {
        image.FillRect(left, top, PanelWidth, PanelHeight, s_canvas);
        Span<char> label = stackalloc char[4];
        foreach (var index in layout.DrawOrder)
        {
            var tile = layout.Tiles[index];
            var x0 = left + (int)Math.Round(tile.X * PanelWidth);
            var y0 = top + (int)Math.Round(tile.Y * PanelHeight);
            var x1 = left + (int)Math.Round(tile.Right * PanelWidth);
            var y1 = top + (int)Math.Round(tile.Bottom * PanelHeight);
            var fill = tile.IsFloor
                ? Rgb.FromHsv(28, 0.8, 0.85)
                : Rgb.FromHsv(190 + (index * 37 % 90), 0.55, 0.45 + (index % 3 * 0.08));
            image.FillRect(x0, y0, x1 - x0, y1 - y0, fill);
            image.StrokeRect(x0, y0, x1 - x0, y1 - y0, 1, s_border);

            (index + 1).TryFormat(label, out var length);
            var text = label[..length];
            var scale = Math.Clamp(Math.Min((x1 - x0) / 16, (y1 - y0) / 10), 1, 4);
            var textX = ((x0 + x1) / 2) - (BitmapFont.MeasureWidth(text, scale) / 2);
            var textY = ((y0 + y1) / 2) - (BitmapFont.MeasureHeight(scale) / 2);
            image.DrawText(text, textX, textY, scale, Rgb.White);
        }
    }
}
