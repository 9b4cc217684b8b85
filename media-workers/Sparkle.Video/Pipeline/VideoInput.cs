using Sparkle.Video.Codecs;
using Sparkle.Video.Compositing;
using Sparkle.Video.Rtp;

namespace Sparkle.Video.Pipeline;

/// <summary>
/// One sender's receive path: RTP payloads (in sequence order) to frames, frames to pictures in
/// the meeting's <see cref="VideoMixer"/>. Senders that no layout shows are not decoded; their
/// last picture is kept, and a key frame is asked for when they become visible again.
/// </summary>
public sealed class VideoInput : IDisposable
{
    private readonly VideoMixer _mixer;
    private readonly IVideoDepacketizer _depacketizer;
    private readonly VideoDecoder _decoder;
    private bool _needKeyFrame;

    public VideoInput(string participantId, VideoCodec codec, VideoMixer mixer)
    {
        ParticipantId = participantId;
        Codec = codec;
        _mixer = mixer;
        _depacketizer = codec == VideoCodec.H264 ? new H264Depacketizer() : new Vp8Depacketizer();
        _decoder = new VideoDecoder(codec);
    }

    public string ParticipantId { get; }

    public VideoCodec Codec { get; }

    public long FramesDecoded => _decoder.FramesDecoded;

    public long FramesSkipped { get; private set; }

    public long FramesLost { get; private set; }

    /// <summary>
    /// The worker should send PLI (or FIR, rate-limited) to the sender while this is true: after a
    /// loss or a decode error, or when a sender that was skipped while hidden becomes visible.
    /// Hidden senders are not asked: their pictures are not needed.
    /// </summary>
    public bool KeyFrameNeeded =>
        (_depacketizer.KeyFrameNeeded || _needKeyFrame) && (_decoder.FramesDecoded == 0 || _mixer.IsVisible(ParticipantId));

    public long DecodeErrors { get; private set; }

    /// <summary>Feeds one RTP payload; returns true when a new picture reached the mixer.</summary>
    public bool OnRtpPayload(ReadOnlySpan<byte> payload, ushort sequenceNumber, uint timestamp, bool marker)
    {
        var result = _depacketizer.Push(payload, sequenceNumber, timestamp, marker);
        if (result == DepacketizeResult.FrameDropped)
        {
            FramesLost++;
        }

        if (result != DepacketizeResult.FrameReady)
        {
            return false;
        }

        var isKey = _depacketizer.FrameIsKeyFrame;
        if (!_mixer.IsVisible(ParticipantId) && _decoder.FramesDecoded > 0)
        {
            // Invisible: keep the last picture and spend no CPU; references break, so the next
            // decode must start from a key frame.
            FramesSkipped++;
            _needKeyFrame = true;
            return false;
        }

        if (_needKeyFrame && !isKey)
        {
            FramesSkipped++;
            return false;
        }

        if (!_decoder.Decode(_depacketizer.Frame, out var picture))
        {
            // A frame the decoder rejects breaks the reference chain just like a lost one.
            DecodeErrors++;
            _needKeyFrame = true;
            return false;
        }

        _needKeyFrame = false;
        return _mixer.PushFrame(ParticipantId, picture);
    }

    public void Dispose() => _decoder.Dispose();
}
