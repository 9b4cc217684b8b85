using System.Globalization;

namespace Sparkle.Video.Codecs;

/// <summary>
/// The SDP a=fmtp parameters that matter to the video MCU: H.264 (RFC 6184: profile-level-id,
/// packetization-mode, max-fs, max-mbps) and VP8 (RFC 7741: max-fs, max-fr). Unknown or malformed
/// parameters are ignored, never thrown on.
/// </summary>
public sealed record VideoFormatParameters(VideoCodec Codec)
{
    public int ProfileIdc { get; init; } = 0x42;

    public int ProfileIop { get; init; } = 0xE0;

    /// <summary>level_idc times ten (31 = level 3.1); 0 when not signalled.</summary>
    public int LevelIdc { get; init; }

    public int PacketizationMode { get; init; }

    /// <summary>Largest frame in macroblocks the receiver accepts (0 = not signalled).</summary>
    public int MaxFrameSize { get; init; }

    public int MaxMacroblocksPerSecond { get; init; }

    public int MaxFrameRate { get; init; }

    public static VideoFormatParameters Parse(VideoCodec codec, string? fmtp)
    {
        var result = new VideoFormatParameters(codec);
        if (string.IsNullOrWhiteSpace(fmtp))
        {
            return result;
        }

        foreach (var part in fmtp.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var name = part[..equals].Trim().ToLowerInvariant();
            var value = part[(equals + 1)..].Trim();
            var number = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
            result = name switch
            {
                "profile-level-id" when value.Length == 6 && int.TryParse(value, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var id) =>
                    result with { ProfileIdc = id >> 16, ProfileIop = (id >> 8) & 0xFF, LevelIdc = id & 0xFF },
                "packetization-mode" when number >= 0 => result with { PacketizationMode = number },
                "max-fs" when number > 0 => result with { MaxFrameSize = number },
                "max-mbps" when number > 0 => result with { MaxMacroblocksPerSecond = number },
                "max-fr" when number > 0 => result with { MaxFrameRate = number },
                _ => result,
            };
        }

        return result;
    }

    /// <summary>
    /// H.264 receivers without packetization-mode=1 accept only single NAL unit packets: give
    /// them an <see cref="Pipeline.OutputEncoder"/> created with mode 0.
    /// </summary>
    public bool RequiresSingleNalMode => Codec == VideoCodec.H264 && PacketizationMode == 0;

    /// <summary>
    /// The largest frame this receiver can decode, in macroblocks. For H.264 max-fs can only raise
    /// the level's limit (RFC 6184 8.1). Many SIP phones omit profile-level-id; rather than fall
    /// back to level 1 (QCIF) we then assume no limit.
    /// </summary>
    public int FrameSizeLimit => Codec == VideoCodec.H264 && LevelIdc > 0
        ? Math.Max(MaxFrameSizeForLevel(LevelIdc), MaxFrameSize)
        : MaxFrameSize > 0 ? MaxFrameSize : int.MaxValue;

    public static int Macroblocks(int width, int height) => ((width + 15) / 16) * ((height + 15) / 16);

    /// <summary>Whether a frame of this size (and rate) is within what the receiver signalled.</summary>
    public bool Allows(int width, int height, int framesPerSecond)
    {
        var macroblocks = Macroblocks(width, height);
        if (macroblocks > FrameSizeLimit)
        {
            return false;
        }

        return MaxFrameRate == 0 || framesPerSecond <= MaxFrameRate;
    }

    /// <summary>MaxFS of H.264 Table A-1 for level_idc (times ten; 9 is level 1b).</summary>
    public static int MaxFrameSizeForLevel(int levelIdc) => levelIdc switch
    {
        <= 10 => 99,
        <= 20 => 396,
        21 => 792,
        <= 30 => 1620,
        31 => 3600,
        32 => 5120,
        <= 41 => 8192,
        42 => 8704,
        50 => 22080,
        _ => 36864,
    };
}
