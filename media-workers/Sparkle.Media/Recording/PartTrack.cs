using Sparkle.Video.Codecs;
using Sparkle.Video.Rtp;

namespace Sparkle.Media.Recording;

/// <summary>One file series of a whole-meeting recording (the mixed file, or the audio or the video file
/// alone), cut into parts of bounded size and length, on the recorder thread. A part with video starts at
/// a key frame: close to the bound the track asks the composite for one, and cuts there. Each part's
/// timestamps start at 0 and its offset on the recording's timeline is reported, so the parts play alone
/// and, concatenated in order, as one recording.</summary>
internal sealed class PartTrack(
    Guid recordingId,
    RecordedKind kind,
    bool audio,
    VideoTrackFormat? video,
    RecorderOptions options,
    Action? requestKeyFrame,
    Func<TimeSpan, DateTimeOffset> wallClock,
    Action<RecordedPart> completed)
{
    private static readonly TimeSpan s_keyFrameRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_audioFrame = TimeSpan.FromMilliseconds(20);

    private readonly byte[] _extradata = new byte[512];
    private readonly RecordingContainer _container = video is null ? RecordingContainer.OggOpus
        : video.Value.Codec == VideoCodec.H264 ? RecordingContainer.FragmentedMp4 : RecordingContainer.WebM;
    private MediaFileWriter? _writer;
    private int _index;
    private TimeSpan _offset;
    private TimeSpan _end;
    private long _audioPts = -1;
    private TimeSpan? _keyFrameAsked;

    public Guid RecordingId => recordingId;
    public RecordedKind Kind => kind;
    public int PartsCompleted => _index;

    /// <summary>Audio frames that came before the first picture of a track with video (a frame or so).</summary>
    public long AudioBeforePicture { get; private set; }

    /// <summary>Video frames before the first key frame (the recording started mid-GOP).</summary>
    public long VideoBeforeKeyFrame { get; private set; }

    /// <summary>One 20 ms Opus packet of the meeting's mix at <paramref name="time"/> on the recording's timeline.</summary>
    public void Audio(ReadOnlySpan<byte> packet, TimeSpan time)
    {
        if (!audio)
        {
            return;
        }
        if (_writer is null)
        {
            if (video is not null)
            {
                AudioBeforePicture++;
                return;
            }
            Open(time, default);
        }
        else if (video is null && PartIsFull(time))
        {
            Close(last: false);
            Open(time, default);
        }
        if (_audioPts < 0)
        {
            // Audio queued just before a cut may be older than the part: it starts the part at 0, and
            // the part's audio runs on contiguously from there (at most a frame or two early).
            _audioPts = Math.Max(0, (long)Math.Round((time - _offset).TotalSeconds * 48000));
        }
        _writer!.WriteAudio(packet, _audioPts, 960);
        _audioPts += 960;
        _end = Max(_end, time + s_audioFrame);
    }

    /// <summary>One encoded access unit of the composite at <paramref name="time"/>.</summary>
    public void Video(ReadOnlySpan<byte> accessUnit, bool keyFrame, TimeSpan time)
    {
        if (video is not { } format)
        {
            return;
        }
        if (_writer is not null && keyFrame && PartIsNear(time))
        {
            Close(last: false);
        }
        if (_writer is null)
        {
            if (!keyFrame || !TryExtradata(format.Codec, accessUnit, out var extradataLength))
            {
                VideoBeforeKeyFrame++;
                AskKeyFrame(time);
                return;
            }
            Open(time, _extradata.AsSpan(0, extradataLength));
        }
        _writer!.WriteVideo(accessUnit, (long)Math.Round((time - _offset).TotalSeconds * 90000), keyFrame);
        _end = Max(_end, time + TimeSpan.FromSeconds(1.0 / Math.Max(1, format.FramesPerSecond)));
        if (PartIsNear(time))
        {
            AskKeyFrame(time);
        }
    }

    /// <summary>Closes the part under way; <paramref name="last"/> when the recording stops.</summary>
    public void Finish(bool last)
    {
        if (_writer is not null)
        {
            Close(last);
        }
    }

    // Close to the bound (90 % of the bytes, or the length less a second or a tenth): time to cut at a key frame.
    private bool PartIsNear(TimeSpan time) =>
        _writer is not null && (_writer.BytesWritten >= options.PartMaxBytes * 9 / 10
            || (time - _offset).TotalSeconds >= options.PartMaxSeconds - Math.Min(1, options.PartMaxSeconds / 10));

    private bool PartIsFull(TimeSpan time) =>
        _writer is not null && (_writer.BytesWritten >= options.PartMaxBytes || (time - _offset).TotalSeconds >= options.PartMaxSeconds);

    private void AskKeyFrame(TimeSpan time)
    {
        if (_keyFrameAsked is { } asked && time - asked < s_keyFrameRetry && time >= asked)
        {
            return;
        }
        _keyFrameAsked = time;
        requestKeyFrame?.Invoke();
    }

    private void Open(TimeSpan offset, ReadOnlySpan<byte> extradata)
    {
        Directory.CreateDirectory(options.WorkFolder);
        var path = Path.Combine(options.WorkFolder, $"{recordingId:N}-{kind.ToString().ToLowerInvariant()}-{_index:D4}{_container.Extension()}");
        var writer = new MediaFileWriter(path, _container);
        try
        {
            if (video is { } format)
            {
                writer.AddVideo(format.Codec, format.Width, format.Height, extradata);
            }
            if (audio)
            {
                writer.AddOpusAudio(channels: 1);
            }
            writer.Begin();
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        _writer = writer;
        _offset = offset;
        _end = offset;
        _audioPts = -1;
        _keyFrameAsked = null;
    }

    private void Close(bool last)
    {
        var writer = _writer!;
        _writer = null;
        try
        {
            writer.Finish();
        }
        finally
        {
            writer.Dispose();
        }
        var part = new RecordedPart(recordingId, kind, _index++, writer.Path, writer.ContentType, _offset, _end - _offset,
            wallClock(_offset), last, new FileInfo(writer.Path).Length);
        completed(part);
    }

    /// <summary>H.264: the SPS and PPS (Annex B) the encoder puts before each key frame, for MP4's avcC.</summary>
    private bool TryExtradata(VideoCodec codec, ReadOnlySpan<byte> accessUnit, out int length)
    {
        length = 0;
        if (codec != VideoCodec.H264)
        {
            return true;
        }
        var reader = new AnnexBReader(accessUnit);
        bool sps = false, pps = false;
        while (reader.TryNext(out var nal))
        {
            var type = nal[0] & 0x1F;
            if ((type == 7 || type == 8) && length + 4 + nal.Length <= _extradata.Length)
            {
                _extradata.AsSpan(length).Slice(0, 4).Clear();
                _extradata[length + 3] = 1;
                nal.CopyTo(_extradata.AsSpan(length + 4));
                length += 4 + nal.Length;
                sps |= type == 7;
                pps |= type == 8;
            }
        }
        return sps && pps;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>The composite stream a recording gets: codec, size and frame rate.</summary>
public readonly record struct VideoTrackFormat(VideoCodec Codec, int Width, int Height, int FramesPerSecond);
