#:project ../../../media-workers/Sparkle.Transcription/Sparkle.Transcription.csproj
#:property Configuration=Release
// Automatic minutes' recogniser: word error rate on the LibriVox clips of Debian's pocketsphinx-testdata,
// decoded directly and after a codec round trip through Sparkle.Media's codecs (G.711 u-law at 8 kHz,
// G.722 at 16 kHz, Opus at 48 kHz / 32 kbit/s), each with and without every AudioPreparation step; the
// narrowband detector's figure per path; recognition speed (audio seconds per CPU second, one thread).
// Usage: dotnet run -c Release --file bench.cs [csv]
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Sparkle.Media.Codecs;
using Sparkle.Transcription;
using Sparkle.Transcription.Audio;
using Sparkle.Transcription.Engines;

var inv = CultureInfo.InvariantCulture;
const string data = "/usr/share/pocketsphinx/test/data/librivox";
if (!File.Exists(Path.Combine(data, "transcription")))
{
    Console.Error.WriteLine("pocketsphinx-testdata is missing: apt-get install pocketsphinx-en-us pocketsphinx-testdata");
    return 1;
}
var clips = File.ReadAllLines(Path.Combine(data, "transcription"))
    .Where(l => l.Contains('('))
    .Select(l =>
    {
        var id = l[(l.LastIndexOf('(') + 1)..l.LastIndexOf(')')];
        var text = l[..l.LastIndexOf('(')].Replace("<s>", "").Replace("</s>", "").Trim();
        return (Id: id, Reference: text, Pcm: ReadWav(Path.Combine(data, id + ".wav")));
    })
    .ToList();
var referenceWords = clips.Sum(c => WordErrorRate.Normalise(c.Reference).Count);
var audioSeconds = clips.Sum(c => c.Pcm.Length) / 16000.0;
Console.WriteLine($"{clips.Count} clips, {referenceWords} words, {audioSeconds:F1} s");

var paths = new (string Name, Func<short[], (short[] Pcm, int Rate)> RoundTrip, bool CodecNarrowband)[]
{
    ("direct", pcm => (pcm, 16000), false),
    ("quiet", pcm => (pcm.Select(s => (short)(s / 32)).ToArray(), 16000), false), // -30 dB: a distant talker
    ("G.711", pcm => G711(pcm), true),
    ("G.722", pcm => (RoundTrip(pcm, new G722Encoder(), new G722Decoder(), 320), 16000), false),
    ("Opus", pcm => (RoundTrip(Resample(pcm, 16000, 48000), new OpusEncoder(), new OpusDecoder(), 960), 48000), false),
};
var preparations = new (string Name, PreparationOptions Options)[]
{
    ("none", PreparationOptions.None),
    ("dc", PreparationOptions.None with { RemoveDc = true }),
    ("gain", PreparationOptions.None with { NormaliseGain = true }),
    ("preemph", PreparationOptions.None with { PreEmphasis = true }),
    ("dc+gain", PreparationOptions.None with { RemoveDc = true, NormaliseGain = true }),
    ("default", PreparationOptions.Default),
};
var lines = new List<string> { "path,preparation,remove_silence,wer,errors,words,mean_confidence,high_band_db" };
foreach (var removeSilence in new[] { false, true })
{
    using var engine = new PocketSphinxEngine(new PocketSphinxOptions { RemoveSilence = removeSilence });
    Console.WriteLine($"== -remove_silence {(removeSilence ? "yes" : "no")}");
    Console.WriteLine($"{"path",-8}{"prep",-10}{"WER %",8}{"conf",7}{"hi-band dB",12}");
    foreach (var path in paths)
    {
        var decoded = clips.Select(c => path.RoundTrip(c.Pcm)).ToList();
        foreach (var preparation in removeSilence ? preparations.Where(p => p.Name is "none" or "default") : preparations)
        {
            var errors = 0;
            var confidence = 0.0;
            var highBand = 0.0;
            for (var i = 0; i < clips.Count; i++)
            {
                var pcm = AudioPreparation.Prepare(decoded[i].Pcm, decoded[i].Rate, 1, preparation.Options);
                var transcript = engine.Transcribe(pcm);
                errors += WordErrorRate.Errors(WordErrorRate.Normalise(clips[i].Reference), WordErrorRate.Normalise(transcript.Text));
                confidence += transcript.Confidence / clips.Count;
                highBand += BandwidthDetector.HighBandRatioDb(pcm) / clips.Count;
                if (preparation.Name == "none" && !removeSilence)
                {
                    Console.WriteLine($"    {clips[i].Id[^4..]} {transcript.Confidence:F2} narrowband={BandwidthDetector.IsNarrowband(pcm, path.CodecNarrowband)} | {transcript.Text}");
                }
            }
            var wer = 100.0 * errors / referenceWords;
            Console.WriteLine($"{path.Name,-8}{preparation.Name,-10}{wer,8:F1}{confidence,7:F2}{highBand,12:F1}");
            lines.Add(string.Create(inv, $"{path.Name},{preparation.Name},{removeSilence},{wer:F1},{errors},{referenceWords},{confidence:F3},{highBand:F1}"));
        }
    }
}

// Speed: the direct clips, three times each, on this one thread.
{
    using var engine = new PocketSphinxEngine();
    var prepared = clips.Select(c => AudioPreparation.Prepare(c.Pcm, 16000, 1)).ToList();
    engine.Transcribe(prepared[0]); // warm-up
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    for (var r = 0; r < 3; r++)
    {
        foreach (var pcm in prepared)
        {
            engine.Transcribe(pcm);
        }
    }
    var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    Console.WriteLine($"speed: {3 * audioSeconds / cpuSeconds:F2} audio s per CPU s, {3 * audioSeconds / wall.Elapsed.TotalSeconds:F2} per wall s");
    lines.Add(string.Create(inv, $"speed,{3 * audioSeconds / cpuSeconds:F2},,,,,,"));
}
// Confidence on non-speech: white noise and a clipped (x20) clip.
{
    using var engine = new PocketSphinxEngine();
    var random = new Random(7);
    var noise = new short[16000 * 3];
    for (var i = 0; i < noise.Length; i++)
    {
        noise[i] = (short)random.Next(-8000, 8000);
    }
    var clipped = clips[0].Pcm.Select(s => (short)Math.Clamp(s * 20, short.MinValue, short.MaxValue)).ToArray();
    foreach (var (name, pcm) in new[] { ("white noise", noise), ("clipped x20", clipped) })
    {
        var t = engine.Transcribe(pcm);
        Console.WriteLine($"{name}: confidence {t.Confidence:F2}, {t.Words.Count} words: {t.Text}");
    }
}
var csv = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "minutes.csv");
File.WriteAllLines(csv, lines);
Console.WriteLine($"wrote {csv}");
return 0;

static short[] ReadWav(string path)
{
    var bytes = File.ReadAllBytes(path);
    var offset = 12;
    while (offset + 8 <= bytes.Length)
    {
        var id = System.Text.Encoding.ASCII.GetString(bytes, offset, 4);
        var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset + 4));
        if (id == "data")
        {
            var pcm = new short[Math.Min(size, bytes.Length - offset - 8) / 2];
            for (var i = 0; i < pcm.Length; i++)
            {
                pcm[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(offset + 8 + 2 * i));
            }
            return pcm;
        }
        offset += 8 + size + (size & 1);
    }
    throw new InvalidDataException($"{path}: no data chunk");
}

static short[] Resample(short[] pcm, int from, int to)
{
    var resampler = new Resampler(from, to);
    var output = new short[resampler.OutputLength(pcm.Length)];
    resampler.Process(pcm, output);
    return output;
}

static (short[], int) G711(short[] pcm16k) =>
    (RoundTrip(Resample(pcm16k, 16000, 8000), new G711Encoder(aLaw: false), new G711Decoder(aLaw: false), 160), 8000);

static short[] RoundTrip(short[] pcm, IAudioEncoder encoder, IAudioDecoder decoder, int frame)
{
    using (encoder)
    using (decoder)
    {
        var output = new List<short>();
        var payload = new byte[1500];
        var buffer = new short[frame * 6];
        var padded = new short[(pcm.Length + frame - 1) / frame * frame];
        pcm.CopyTo(padded, 0);
        for (var offset = 0; offset < padded.Length; offset += frame)
        {
            var length = encoder.Encode(padded.AsSpan(offset, frame), payload);
            var samples = decoder.Decode(payload.AsSpan(0, length), buffer);
            output.AddRange(buffer.AsSpan(0, samples));
        }
        return [.. output];
    }
}
