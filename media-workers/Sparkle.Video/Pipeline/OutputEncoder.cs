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

    public OutputEncoder(CompositeOutput output, VideoCodec codec, int bitrateKbps = 1200, int framesPerSecond = 15, int maxPayloadSize = 1200)
    {
        Output = output;
        Codec = codec;
        _encoder = new VideoEncoder(new VideoEncoderSettings(codec, output.Width, output.Height)
        {
            BitrateKbps = bitrateKbps,
            FramesPerSecond = framesPerSecond,
        });
        _packetizer = codec == VideoCodec.H264 ? new H264Packetizer(maxPayloadSize) : new Vp8Packetizer(maxPayloadSize);
    }

    public CompositeOutput Output { get; }

    public VideoCodec Codec { get; }

    public long FramesEncoded => _encoder.FramesEncoded;

    public long BytesEncoded { get; private set; }

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
