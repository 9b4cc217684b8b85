using Sparkle.Media.Codecs;
using Sparkle.Media.Mixing;

namespace Sparkle.Media.Recording;

/// <summary>Cuts one participant's own decoded audio into utterances, on the recorder thread. Voice is an
/// energy decision per 20 ms frame (the mixer's detector without its hangover: above an absolute floor and
/// the tracked noise floor); an utterance starts at the first voiced frame with the pre-roll before it, and
/// ends after the hangover of silence, at the first pause after the split length, or at the maximum length.
/// Voice shorter than the minimum (first to last voiced frame) is discarded. Each utterance is written as
/// it goes into an Ogg Opus file of its own (nothing buffered but the pre-roll).</summary>
internal sealed class UtteranceSegmenter : IDisposable
{
    private const int MaxFrameSamples = 960;

    private readonly RecorderOptions _options;
    private readonly SpeakerDetector _detector = new(new MixerOptions { HangoverFrames = 1 });
    private readonly short[][] _preRoll;
    private readonly int[] _preRollLengths;
    private readonly short[] _silence = new short[MaxFrameSamples];
    private readonly byte[] _packet = new byte[1500];
    private readonly int _hangoverFrames;
    private readonly int _minFrames;
    private readonly long _splitFrames;
    private readonly long _maxFrames;
    private int _preRollStart;
    private int _preRollCount;
    private OpusEncoder? _encoder;
    private MediaFileWriter? _writer;
    private string? _path;
    private long _startTick;
    private long _firstVoiced;
    private long _lastVoiced;
    private long _pts;
    private int _rate = 8000;

    public UtteranceSegmenter(string participantId, RecorderOptions options)
    {
        ParticipantId = participantId;
        _options = options;
        var preRollFrames = Math.Max(0, options.UtterancePreRollMs / MixerOptions.FrameMs);
        _preRoll = new short[preRollFrames][];
        for (var i = 0; i < preRollFrames; i++)
        {
            _preRoll[i] = new short[MaxFrameSamples];
        }
        _preRollLengths = new int[preRollFrames];
        _hangoverFrames = Math.Max(1, options.UtteranceHangoverMs / MixerOptions.FrameMs);
        _minFrames = Math.Max(1, options.UtteranceMinMs / MixerOptions.FrameMs);
        _splitFrames = (long)(options.UtteranceSplitAfterSeconds * 1000 / MixerOptions.FrameMs);
        _maxFrames = Math.Max(1, (long)(options.UtteranceMaxSeconds * 1000 / MixerOptions.FrameMs));
    }

    public string ParticipantId { get; }

    /// <summary>The last mixer tick this participant had a frame in.</summary>
    public long LastTick { get; private set; } = -1;

    public bool Active => _writer is not null;

    /// <summary>Utterances shorter than the minimum, discarded.</summary>
    public long Discarded { get; private set; }

    /// <summary>One 20 ms frame at the leg's codec rate, for mixer tick <paramref name="tick"/>; returns a
    /// finished utterance, if this frame ended one.</summary>
    public Utterance? Frame(ReadOnlySpan<short> pcm, int sampleRate, long tick)
    {
        if (pcm.Length != sampleRate / 50 || pcm.Length > MaxFrameSamples)
        {
            return null; // not a 20 ms frame at an Opus rate: nothing sane to encode
        }
        LastTick = tick;
        _rate = sampleRate;
        _detector.Update(pcm);
        var voiced = _detector.Talking;
        if (_writer is null)
        {
            if (!voiced)
            {
                KeepPreRoll(pcm);
                return null;
            }
            Open(tick);
            _firstVoiced = tick;
        }
        Encode(pcm);
        if (voiced)
        {
            _lastVoiced = tick;
        }
        var length = tick + 1 - _startTick;
        var silent = tick - _lastVoiced;
        if (silent >= _hangoverFrames || (length >= _splitFrames && !voiced) || length >= _maxFrames)
        {
            return Close(tick + 1);
        }
        return null;
    }

    /// <summary>A tick without a frame from this leg (muted, gone): silence.</summary>
    public Utterance? Silence(long tick) => Frame(_silence.AsSpan(0, _rate / 50), _rate, tick);

    /// <summary>The recording stops: the utterance under way ends here.</summary>
    public Utterance? Flush() => _writer is null ? null : Close(LastTick + 1);

    private void KeepPreRoll(ReadOnlySpan<short> pcm)
    {
        if (_preRoll.Length == 0)
        {
            return;
        }
        var slot = (_preRollStart + _preRollCount) % _preRoll.Length;
        if (_preRollCount == _preRoll.Length)
        {
            _preRollStart = (_preRollStart + 1) % _preRoll.Length;
        }
        else
        {
            _preRollCount++;
        }
        pcm.CopyTo(_preRoll[slot]);
        _preRollLengths[slot] = pcm.Length;
    }

    private void Open(long tick)
    {
        Directory.CreateDirectory(_options.WorkFolder);
        _path = Path.Combine(_options.WorkFolder, $"utterance-{Guid.NewGuid():N}.opus");
        _writer = new MediaFileWriter(_path, RecordingContainer.OggOpus);
        _writer.AddOpusAudio(channels: 1, inputSampleRate: _rate);
        _writer.Begin();
        if (_encoder is null || _encoder.SampleRate != _rate)
        {
            _encoder?.Dispose();
            _encoder = new OpusEncoder(_options.OpusBitrate, complexity: 5, expectedLossPercent: 0, sampleRate: _rate);
        }
        _pts = 0;
        _startTick = tick - _preRollCount;
        for (var i = 0; i < _preRollCount; i++)
        {
            var slot = (_preRollStart + i) % _preRoll.Length;
            if (_preRollLengths[slot] == _rate / 50)
            {
                Encode(_preRoll[slot].AsSpan(0, _preRollLengths[slot]));
            }
        }
        _preRollStart = _preRollCount = 0;
    }

    private void Encode(ReadOnlySpan<short> pcm)
    {
        var length = _encoder!.Encode(pcm, _packet);
        if (length > 0)
        {
            _writer!.WriteAudio(_packet.AsSpan(0, length), _pts, 960);
        }
        _pts += 960; // 20 ms at Opus' 48 kHz granule rate, whatever the input rate
    }

    private Utterance? Close(long endTick)
    {
        var writer = _writer!;
        var path = _path!;
        _writer = null;
        _path = null;
        try
        {
            writer.Finish();
        }
        finally
        {
            writer.Dispose();
        }
        if (_lastVoiced + 1 - _firstVoiced < _minFrames)
        {
            Discarded++;
            File.Delete(path);
            return null;
        }
        return new Utterance(ParticipantId, _startTick, endTick, path);
    }

    public void Dispose()
    {
        if (_writer is not null)
        {
            var path = _path!;
            _writer.Dispose();
            _writer = null;
            File.Delete(path);
        }
        _encoder?.Dispose();
    }

    /// <summary>A finished utterance: mixer ticks [start, end) and its file.</summary>
    public readonly record struct Utterance(string ParticipantId, long StartTick, long EndTick, string Path);
}
