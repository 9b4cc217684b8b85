namespace Sparkle.Video.Codecs;

/// <summary>
/// Picks which of a meeting's output resolutions a receiver gets: the largest its decoder
/// accepts (SDP) and its link carries (b=AS, TMMBR or REMB), so weak links get the small stream.
/// </summary>
public static class OutputSelector
{
    /// <summary>Rough bits per pixel a conferencing picture needs to look acceptable.</summary>
    public const double BitsPerPixel = 0.05;

    public static long MinimumBitrate(int width, int height, int framesPerSecond) =>
        (long)(width * (long)height * framesPerSecond * BitsPerPixel);

    /// <summary>
    /// Index into <paramref name="sizes"/> of the chosen output, or the smallest one when none
    /// fits (a receiver always gets something). <paramref name="bitrateLimit"/> 0 means unknown.
    /// </summary>
    public static int Choose(IReadOnlyList<(int Width, int Height)> sizes, VideoFormatParameters receiver, long bitrateLimit, int framesPerSecond = 15)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sizes.Count);
        var best = -1;
        var smallest = 0;
        for (var i = 0; i < sizes.Count; i++)
        {
            var (width, height) = sizes[i];
            if (width * height < sizes[smallest].Width * sizes[smallest].Height)
            {
                smallest = i;
            }

            var fits = receiver.Allows(width, height, framesPerSecond) &&
                (bitrateLimit <= 0 || bitrateLimit >= MinimumBitrate(width, height, framesPerSecond));
            if (fits && (best < 0 || width * height > sizes[best].Width * sizes[best].Height))
            {
                best = i;
            }
        }

        return best >= 0 ? best : smallest;
    }
}
