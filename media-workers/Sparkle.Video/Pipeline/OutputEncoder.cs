using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Rtp;

namespace Sparkle.Video.Pipeline;

/// <summary>
/// Encodes one composite output in one codec, once per frame, for every receiver of it. The
/// worker's sink fans the payloads out to receivers (each with its own SSRC, sequence and SRTP).
/// </summary>
public sealed class OutputEncoder : IDisposable
{
    private readonly VideoEncoder _encoder;
    private readonly IVideoPacketizer _packetizer;
    private int _keyFrameRequested = 1; // the first frame is a key frame anyway

    /// <param name="h264PacketizationMode">
    /// 1 for most receivers; 0 for those that only accept single NAL unit packets (then slices are
    /// capped to the payload size, which costs some compression). Mode 0 and 1 receivers of the
    /// same output need two encoders.
    /// </param>
    public OutputEncoder(
        CompositeOutput output, VideoCodec codec, int bitrateKbps = 1200, int framesPerSecond = 15, int maxPayloadSize = 1200, int h264PacketizationMode = 1)
    {
        Output = output;
        Codec = codec;
        var singleNal = codec == VideoCodec.H264 && h264PacketizationMode == 0;
        _encoder = new VideoEncoder(new VideoEncoderSettings(codec, output.Width, output.Height)
        {
            BitrateKbps = bitrateKbps,
            FramesPerSecond = framesPerSecond,
            MaxNalSize = singleNal ? maxPayloadSize : 0,
        });
        _packetizer = codec == VideoCodec.H264
            ? new H264Packetizer(maxPayloadSize, h264PacketizationMode)
            : new Vp8Packetizer(maxPayloadSize);
    }

    public CompositeOutput Output { get; }

    public VideoCodec Codec { get; }

    public long FramesEncoded => _encoder.FramesEncoded;

    public long BytesEncoded { get; private set; }

    /// <summary>The access unit the last successful encode produced (H.264 Annex B with SPS/PPS before each
    /// key frame, or a VP8 frame); valid until the next encode. A recorder takes it as it is.</summary>
    public ReadOnlySpan<byte> LastAccessUnit => _encoder.Output;

    /// <summary>A receiver joined or sent PLI/FIR: the next encode is a key frame (requests coalesce).</summary>
    public void RequestKeyFrame() => Volatile.Write(ref _keyFrameRequested, 1);

    /// <summary>Encodes the output's current canvas (call after <see cref="VideoMixer.Render"/>).</summary>
    public bool EncodeAndPacketize(IRtpPayloadSink sink, out bool keyFrame)
    {
        var force = Interlocked.Exchange(ref _keyFrameRequested, 0) == 1;
        keyFrame = false;
        if (!_encoder.Encode(Output.Canvas.AsView(), force))
        {
            return false;
        }

        keyFrame = _encoder.OutputIsKeyFrame;
        BytesEncoded += _encoder.Output.Length;
        _packetizer.Packetize(_encoder.Output, sink);
        return true;
    }

    public void Dispose() => _encoder.Dispose();
}
