using Sparkle.Video.Compositing;
using Sparkle.Video.Imaging;

namespace Sparkle.Video.Layouts;

/// <summary>
/// Renders one real composite (through <see cref="VideoMixer"/>) with synthetic participants:
/// a speaker on the floor, name labels, a video-off tile. Kept in the docs beside the contact sheet.
/// </summary>
public static class SampleComposite
{
    public static RgbImage Render(string layoutId = "one-plus-7", int width = 1280, int height = 720)
    {
        using var mixer = new VideoMixer();
        var layout = LayoutCatalogue.Get(layoutId);
        mixer.SetLayout(layout);
        using var picture = new I420Frame(320, 180);
        for (var i = 0; i < layout.Capacity; i++)
        {
            var id = $"p{i}";
            mixer.AddParticipant(id, $"Participant {i + 1}");
            Paint(picture, i);
            mixer.PushFrame(id, picture.AsView());
        }

        mixer.SetVideoOff("p2", true);
        mixer.ReportActiveSpeaker($"p{layout.Capacity - 1}", TimeSpan.Zero);
        var output = mixer.GetOrAddOutput(width, height);
        mixer.Render(TimeSpan.Zero);
        return RgbImage.FromI420(output.Canvas);
    }

    public static void Save(string path, string layoutId = "one-plus-7")
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Render(layoutId).SavePng(path);
    }

    // Diagonal stripes whose colour and angle differ per participant, so tiles are easy to tell apart.
    private static void Paint(I420Frame frame, int index)
    {
        var hue = Rgb.FromHsv(index * 47, 0.7, 0.9);
        var colour = YuvColor.FromRgb(hue.R, hue.G, hue.B);
        for (var y = 0; y < frame.Height; y++)
        {
            for (var x = 0; x < frame.Width; x++)
            {
                var stripe = ((x + (y * (1 + (index % 3)))) / 24 % 2) == 0;
                frame.Y[(y * frame.StrideY) + x] = (byte)(stripe ? colour.Y : colour.Y / 2);
            }
        }

        frame.U.Fill(colour.U);
        frame.V.Fill(colour.V);
    }
}
