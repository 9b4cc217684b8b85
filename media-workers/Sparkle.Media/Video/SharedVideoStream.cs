using System.Diagnostics;
using Sparkle.Media.Rtp;
using Sparkle.Media.Transport;
using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Pipeline;
using Sparkle.Video.Rtp;

namespace Sparkle.Media.Video;

/// <summary>One composite output encoded once in one codec (and H.264 packetization mode) for every
/// receiver of it: each frame is packetized once, kept in a short history for retransmissions, and
/// fanned out to the receivers' transports, which add their own SSRC, sequence numbers and SRTP.
/// Receivers' PLI/FIR and new receivers become key frames of this one encode, at most one per interval:
/// a new receiver waits at most that long for its first picture, and a burst of joins (a 100-party
/// start) does not send everyone already watching a large key frame per joiner. Used on the meeting's
/// video thread; key frame requests come from any thread.</summary>
internal sealed class SharedVideoStream : IRtpPayloadSink, IVideoSendSource, IDisposable
{
    private readonly OutputEncoder _encoder;
    private readonly VideoPacketHistory _history;
    private readonly TimeSpan _minKeyFrameInterval;
    private VideoLegTransport[] _receivers = [];
    private uint _nextIndex;
    private uint _frameTimestamp;
    private volatile bool _keyFrameAsked;
    private volatile bool _keyFrameNow;
    private long _lastKeyFrame;
    private volatile IEncodedVideoSink? _recorder;

    public SharedVideoStream(CompositeOutput output, VideoCodec codec, int packetizationMode, int bitrateKbps, VideoConferenceOptions options)
    {
        Output = output;
        Codec = codec;
        PacketizationMode = packetizationMode;
        BitrateKbps = bitrateKbps;
        _minKeyFrameInterval = options.MinKeyFrameInterval;
        _encoder = new OutputEncoder(output, codec, bitrateKbps, options.FramesPerSecond, options.MaxPayloadSize, packetizationMode);
        _history = new VideoPacketHistory(options.MaxPayloadSize);
    }

    public CompositeOutput Output { get; }
    public VideoCodec Codec { get; }
    public int PacketizationMode { get; }
    public int BitrateKbps { get; }
    public int ReceiverCount => _receivers.Length;

    /// <summary>A recorder counts as a consumer: the stream goes on encoding for it with no receivers.</summary>
    public IEncodedVideoSink? Recorder { get => _recorder; set => _recorder = value; }

    public bool InUse => _receivers.Length > 0 || _recorder is not null;
    public long FramesEncoded => _encoder.FramesEncoded;
    public long KeyFrames { get; private set; }
    public long BytesEncoded => _encoder.BytesEncoded;

    public bool Matches(int width, int height, VideoCodec codec, int packetizationMode) =>
        Output.Width == width && Output.Height == height && Codec == codec && PacketizationMode == packetizationMode;

    /// <summary>Video thread (under the conference's tick lock).</summary>
    public void Add(VideoLegTransport receiver)
    {
        receiver.AttachSource(this, _nextIndex);
        _receivers = [.. _receivers, receiver];
        // Whoever joins needs a picture to start from: at once for the first receiver, else within the interval.
        if (_receivers.Length == 1)
        {
            _keyFrameNow = true;
        }
        else
        {
            _keyFrameAsked = true;
        }
    }

    public void Remove(VideoLegTransport receiver)
    {
        receiver.AttachSource(null, _nextIndex);
        _receivers = _receivers.Where(r => r != receiver).ToArray();
    }

    public void RequestKeyFrame() => _keyFrameAsked = true;

    /// <summary>A recording (or its next part) starts: a key frame at the next encode, not after the interval.</summary>
    public void RequestKeyFrameNow() => _keyFrameNow = true;

    /// <summary>Encodes the output's canvas (just rendered) and sends it to every receiver.</summary>
    public void EncodeAndSend(long now)
    {
        var recorder = _recorder;
        if (_receivers.Length == 0 && recorder is null)
        {
            return;
        }
        if (_keyFrameNow || (_keyFrameAsked && Stopwatch.GetElapsedTime(_lastKeyFrame, now) >= _minKeyFrameInterval))
        {
            _keyFrameNow = false;
            _keyFrameAsked = false;
            _encoder.RequestKeyFrame();
        }
        _frameTimestamp = MediaClock.ToVideo90k(now);
        if (!_encoder.EncodeAndPacketize(this, out var keyFrame))
        {
            return;
        }
        if (keyFrame)
        {
            _lastKeyFrame = now;
            KeyFrames++;
        }
        recorder?.OnEncodedVideo(_encoder.LastAccessUnit, keyFrame, now);
    }

    public void OnPayload(ReadOnlySpan<byte> payload, bool marker)
    {
        _history.Store(_nextIndex, _frameTimestamp, marker, payload);
        foreach (var receiver in _receivers)
        {
            receiver.SendPacket(payload, marker, _nextIndex, _frameTimestamp);
        }
        _nextIndex++;
    }

    public bool TryGetPacket(ushort index16, Span<byte> destination, out int length, out bool marker, out uint timestamp) =>
        _history.TryGet(index16, destination, out length, out marker, out timestamp);

    public void Dispose() => _encoder.Dispose();
}
