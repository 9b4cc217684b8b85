namespace Sparkle.Video.Codecs;

public enum VideoCodec
{
    H264,
    Vp8,
}
