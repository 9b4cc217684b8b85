using System.Runtime.InteropServices;
using Sparkle.Transcription.Native;

namespace Sparkle.Transcription.Engines;

/// <summary>CMU PocketSphinx 5prealpha through Debian's libpocketsphinx3, with the pocketsphinx-en-us
/// model: US English only, 16 kHz wideband audio only (the model was trained on wideband speech; telephone
/// audio upsampled from 8 kHz is not recognised, see <see cref="Audio.BandwidthDetector"/>). One decoder
/// per instance, not thread-safe.</summary>
/// <remarks>Confidence: the decoder runs its third pass (-bestpath) over the word lattice, which gives each
/// word of the best path a posterior probability (<c>ps_seg_prob</c>, converted from the decoder's log base
/// with <c>logmath_exp</c>). A word's <see cref="TranscribedWord.Confidence"/> is that posterior; the
/// transcript's is the mean over its words. The utterance posterior (<c>ps_get_prob</c>) is not used: it is
/// the product over the whole path, so it falls with the utterance's length, not with its quality.</remarks>
public sealed unsafe class PocketSphinxEngine : ISpeechEngine
{
    public const int FramesPerSecond = 100;
    private const int MinimumSamples = 1600; // 0.1 s: shorter holds no word
    private static readonly Lock s_initLock = new();
    private static bool s_loggingSilenced;

    // Initialised here, not only in the constructor: a constructor that throws (missing model) still leaves
    // an object for the finalizer, whose Dispose must find no null.
    private readonly IntPtr[] _argv = [];
    private IntPtr _config;
    private IntPtr _decoder;
    private readonly IntPtr _logMath;

    public PocketSphinxEngine(PocketSphinxOptions? options = null)
    {
        options ??= new PocketSphinxOptions();
        var hmm = Path.Combine(options.ModelDirectory, "en-us");
        var lm = Path.Combine(options.ModelDirectory, "en-us.lm.bin");
        var dict = Path.Combine(options.ModelDirectory, "cmudict-en-us.dict");
        foreach (var path in new[] { Path.Combine(hmm, "mdef"), lm, dict })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"PocketSphinx model file {path} is missing; install the Debian package pocketsphinx-en-us " +
                    "(and libpocketsphinx3), or set ModelDirectory.", path);
            }
        }
        var arguments = new List<string>
        {
            "-hmm", hmm, "-lm", lm, "-dict", dict,
            "-bestpath", "yes", // the lattice pass: word posteriors for confidence
            "-remove_silence", options.RemoveSilence ? "yes" : "no",
        };
        foreach (var (name, value) in options.ExtraArguments)
        {
            arguments.Add(name);
            arguments.Add(value);
        }
        // cmd_ln keeps pointers into argv, so the strings live as long as the configuration.
        _argv = new IntPtr[arguments.Count];
        for (var i = 0; i < arguments.Count; i++)
        {
            _argv[i] = Marshal.StringToCoTaskMemUTF8(arguments[i]);
        }
        try
        {
            lock (s_initLock)
            {
                if (!s_loggingSilenced)
                {
                    // Process-wide and race-free, unlike -logfn, which makes every ps_init reopen (and close)
                    // the one global log file while other decoders may be writing to it.
                    SphinxNative.ErrSetLogFile(IntPtr.Zero);
                    s_loggingSilenced = true;
                }
                fixed (IntPtr* argv = _argv)
                {
                    _config = SphinxNative.CmdLnParse(IntPtr.Zero, SphinxNative.Args(), _argv.Length, argv, 1);
                }
                if (_config == IntPtr.Zero)
                {
                    throw new ArgumentException($"PocketSphinx rejected the arguments: {string.Join(' ', arguments)}");
                }
                _decoder = SphinxNative.Init(_config);
                if (_decoder == IntPtr.Zero)
                {
                    throw new InvalidOperationException($"ps_init failed for the model in {options.ModelDirectory}.");
                }
            }
            _logMath = SphinxNative.GetLogMath(_decoder);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name => "PocketSphinx 5prealpha (en-us)";

    public IReadOnlyList<string> Languages { get; } = ["en-US"];

    public int SampleRate => 16000;

    public Transcript Transcribe(ReadOnlySpan<short> pcm)
    {
        ObjectDisposedException.ThrowIf(_decoder == IntPtr.Zero, this);
        if (pcm.Length < MinimumSamples || IsDigitalSilence(pcm))
        {
            return Transcript.Empty;
        }
        // Every utterance is its own stream: without this, the noise-level estimate of the previous call
        // (loud noise, another talker) changes this one's first words, and a pool's results would depend
        // on which decoder ran what before.
        if (SphinxNative.StartStream(_decoder) < 0 || SphinxNative.StartUtterance(_decoder) < 0)
        {
            return Transcript.Empty;
        }
        int processed;
        fixed (short* data = pcm)
        {
            processed = SphinxNative.ProcessRaw(_decoder, data, (nuint)pcm.Length, 0, 1);
        }
        if (SphinxNative.EndUtterance(_decoder) < 0 || processed < 0)
        {
            return Transcript.Empty;
        }
        if (SphinxNative.GetHypothesis(_decoder, out _) == IntPtr.Zero)
        {
            return Transcript.Empty;
        }
        return ReadSegments(TimeSpan.FromSeconds((double)pcm.Length / SampleRate));
    }

    private Transcript ReadSegments(TimeSpan duration)
    {
        var words = new List<TranscribedWord>();
        for (var segment = SphinxNative.SegmentIterator(_decoder); segment != IntPtr.Zero; segment = SphinxNative.SegmentNext(segment))
        {
            var word = SphinxWords.Normalise(Marshal.PtrToStringUTF8(SphinxNative.SegmentWord(segment)));
            if (word is null)
            {
                continue;
            }
            SphinxNative.SegmentFrames(segment, out var startFrame, out var endFrame);
            var posterior = SphinxNative.SegmentProbability(segment, out _, out _, out _);
            var confidence = Math.Clamp(SphinxNative.LogMathExp(_logMath, posterior), 0, 1);
            var start = Clamp(TimeSpan.FromSeconds((double)startFrame / FramesPerSecond), duration);
            var end = Clamp(TimeSpan.FromSeconds((double)(endFrame + 1) / FramesPerSecond), duration);
            words.Add(new TranscribedWord(word, start, end < start ? start : end, confidence));
        }
        if (words.Count == 0)
        {
            return Transcript.Empty;
        }
        return new Transcript(string.Join(' ', words.Select(w => w.Text)), words.Average(w => w.Confidence), words);
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan duration) =>
        value < TimeSpan.Zero ? TimeSpan.Zero : value > duration ? duration : value;

    private static bool IsDigitalSilence(ReadOnlySpan<short> pcm)
    {
        // Nothing but the last bit or two: the front end's log energies would be all floor.
        foreach (var sample in pcm)
        {
            if (sample is > 2 or < -2)
            {
                return false;
            }
        }
        return true;
    }

    public void Dispose()
    {
        if (_decoder != IntPtr.Zero)
        {
            SphinxNative.Free(_decoder);
            _decoder = IntPtr.Zero;
        }
        if (_config != IntPtr.Zero)
        {
            // ps_init retained the configuration; this drops our reference.
            SphinxNative.CmdLnFree(_config);
            _config = IntPtr.Zero;
        }
        for (var i = 0; i < _argv.Length; i++)
        {
            if (_argv[i] != IntPtr.Zero)
            {
                Marshal.ZeroFreeCoTaskMemUTF8(_argv[i]);
                _argv[i] = IntPtr.Zero;
            }
        }
        GC.SuppressFinalize(this);
    }

    ~PocketSphinxEngine()
    {
        Dispose();
    }
}
