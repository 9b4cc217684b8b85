using System.Buffers.Binary;
using System.Diagnostics;
using Sparkle.Transcription.Engines;

namespace Sparkle.Transcription.Tests;

/// <summary>Debian's pocketsphinx-testdata LibriVox clips (16 kHz mono, read English with reference text),
/// and helpers. Missing packages fail the tests with what to install; they are never skipped.</summary>
internal static class TestAudio
{
    public const string LibriVox = "/usr/share/pocketsphinx/test/data/librivox";
    private const string Install = "install the Debian packages pocketsphinx-en-us pocketsphinx-testdata (apt-get install pocketsphinx-en-us pocketsphinx-testdata)";

    public static IReadOnlyList<string> ClipIds { get; } =
    [
        "sense_and_sensibility_01_austen_64kb-0870",
        "sense_and_sensibility_01_austen_64kb-0880",
        "sense_and_sensibility_01_austen_64kb-0890",
        "sense_and_sensibility_01_austen_64kb-0920",
        "sense_and_sensibility_01_austen_64kb-0930",
    ];

    public static void RequireModel()
    {
        var model = PocketSphinxOptions.DebianModelDirectory;
        Assert.True(File.Exists(Path.Combine(model, "en-us", "mdef")) && File.Exists(Path.Combine(model, "en-us.lm.bin")),
            $"The PocketSphinx en-us model is missing under {model}: {Install}.");
        Assert.True(File.Exists("/usr/lib/x86_64-linux-gnu/libpocketsphinx.so.3") || File.Exists("/usr/lib/aarch64-linux-gnu/libpocketsphinx.so.3"),
            $"libpocketsphinx.so.3 is missing: {Install} (libpocketsphinx3 comes with them).");
    }

    public static string WavPath(string id)
    {
        var path = Path.Combine(LibriVox, id + ".wav");
        Assert.True(File.Exists(path), $"Test audio {path} is missing: {Install}.");
        return path;
    }

    public static short[] Clip(string id) => ReadWav(WavPath(id));

    public static string Reference(string id)
    {
        var file = Path.Combine(LibriVox, "transcription");
        Assert.True(File.Exists(file), $"{file} is missing: {Install}.");
        var line = File.ReadLines(file).Single(l => l.Contains($"({id})", StringComparison.Ordinal));
        return line[..line.LastIndexOf('(')].Replace("<s>", "").Replace("</s>", "").Trim();
    }

    /// <summary>The data chunk of a 16-bit PCM WAV file.</summary>
    public static short[] ReadWav(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var offset = 12;
        while (offset + 8 <= bytes.Length)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset + 4));
            if (bytes.AsSpan(offset, 4).SequenceEqual("data"u8))
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

    public static short[] Tone(double frequency, int sampleRate, double seconds, double amplitude = 8000)
    {
        var pcm = new short[(int)(sampleRate * seconds)];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }
        return pcm;
    }

    /// <summary>Power at one frequency (Goertzel), normalised by length.</summary>
    public static double Power(ReadOnlySpan<short> pcm, double frequency, int sampleRate)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (var x in pcm)
        {
            var s0 = x + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return (s1 * s1 + s2 * s2 - coefficient * s1 * s2) / pcm.Length / pcm.Length;
    }

    /// <summary>Runs ffmpeg (Debian package ffmpeg) with the arguments; fails the test if it is missing or fails.</summary>
    public static void Ffmpeg(params string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-v", "error", "-y" }.Concat(arguments))
        {
            start.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"ffmpeg is needed to make test files (apt-get install ffmpeg): {e.Message}");
            throw;
        }
        using (process)
        {
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"ffmpeg {string.Join(' ', arguments)} failed: {error}");
        }
    }
}
