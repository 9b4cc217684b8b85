using Sparkle.Video.Codecs;

namespace Sparkle.Video.Tests.Codecs;

public class VideoFormatParametersTests
{
    private static readonly (int, int)[] s_sizes = [(1280, 720), (640, 360)];

    [Fact]
    public void H264FmtpIsParsed()
    {
        var p = VideoFormatParameters.Parse(VideoCodec.H264, " profile-level-id=42E01F; packetization-mode=1;max-fs=8160;foo;=3;max-mbps=x");
        Assert.Equal((0x42, 0xE0, 31, 1, 8160), (p.ProfileIdc, p.ProfileIop, p.LevelIdc, p.PacketizationMode, p.MaxFrameSize));
        Assert.False(p.RequiresSingleNalMode);
        Assert.True(VideoFormatParameters.Parse(VideoCodec.H264, "profile-level-id=42e01f").RequiresSingleNalMode);
        Assert.False(VideoFormatParameters.Parse(VideoCodec.Vp8, "").RequiresSingleNalMode);
        Assert.Equal(8160, p.FrameSizeLimit);
        Assert.True(p.Allows(1920, 1080, 30));
    }

    [Theory]
    [InlineData("profile-level-id=42e01f;packetization-mode=1", 0)]
    [InlineData("profile-level-id=42e016;packetization-mode=1", 1)] // level 2.2: 1620 macroblocks
    [InlineData("profile-level-id=42e00d;packetization-mode=1", 1)] // level 1.3: nothing fits, smallest
    [InlineData("packetization-mode=1", 0)]
    public void H264LevelDecidesTheResolution(string fmtp, int expected) =>
        Assert.Equal(expected, OutputSelector.Choose(s_sizes, VideoFormatParameters.Parse(VideoCodec.H264, fmtp), 0));

    [Fact]
    public void Vp8MaxFsAndMaxFrAreHonoured()
    {
        var p = VideoFormatParameters.Parse(VideoCodec.Vp8, "max-fs=1000;max-fr=15");
        Assert.False(p.Allows(1280, 720, 15));
        Assert.True(p.Allows(640, 360, 15));
        Assert.False(p.Allows(640, 360, 30));
        Assert.Equal(1, OutputSelector.Choose(s_sizes, p, 0));
    }

    [Fact]
    public void WeakLinksGetTheSmallStream()
    {
        var any = VideoFormatParameters.Parse(VideoCodec.Vp8, null);
        Assert.Equal(0, OutputSelector.Choose(s_sizes, any, 2_000_000));
        Assert.Equal(1, OutputSelector.Choose(s_sizes, any, 300_000));
        Assert.Equal(1, OutputSelector.Choose(s_sizes, any, 10_000));
    }

    [Fact]
    public void MacroblocksRoundUp() => Assert.Equal(3600, VideoFormatParameters.Macroblocks(1280, 720));
}
