using System.Diagnostics;
using System.Text.Json;

namespace Sparkle.Media.Tests.Recording;

/// <summary>ffprobe and ffmpeg (independent readers of what the recorder wrote).</summary>
internal static class MediaProbe
{
    public sealed record Stream(string CodecType, string CodecName, int Width, int Height, int SampleRate, int Channels);

    public sealed record Result(IReadOnlyList<Stream> Streams, double Duration)
    {
        public Stream? Audio => Streams.FirstOrDefault(s => s.CodecType == "audio");
        public Stream? Video => Streams.FirstOrDefault(s => s.CodecType == "video");
    }

    public static Result Probe(string path)
    {
        var json = Run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type,codec_name,width,height,sample_rate,channels:format=duration", "-of", "json", path], out var error);
        using var document = JsonDocument.Parse(json.Length == 0 ? "{}"u8.ToArray() : json);
        var root = document.RootElement;
        Assert.True(root.TryGetProperty("streams", out var streams), $"ffprobe could not read {path}: {error}");
        var list = streams.EnumerateArray().Select(s => new Stream(
            s.GetProperty("codec_type").GetString()!, s.GetProperty("codec_name").GetString()!,
            s.TryGetProperty("width", out var w) ? w.GetInt32() : 0, s.TryGetProperty("height", out var h) ? h.GetInt32() : 0,
            s.TryGetProperty("sample_rate", out var r) ? int.Parse(r.GetString()!) : 0,
            s.TryGetProperty("channels", out var c) ? c.GetInt32() : 0)).ToList();
        var duration = root.TryGetProperty("format", out var format) && format.TryGetProperty("duration", out var d)
            ? double.Parse(d.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
        return new Result(list, duration);
    }

    /// <summary>The file's audio decoded by ffmpeg: 48 kHz mono.</summary>
    public static short[] DecodeAudio(string path) =>
        ToSamples(Run("ffmpeg", ["-v", "error", "-i", path, "-map", "0:a", "-f", "s16le", "-ac", "1", "-ar", "48000", "-"], out _));

    /// <summary>The parts' audio played as one, through ffmpeg's concat demuxer.</summary>
    public static short[] DecodeConcatenated(IEnumerable<string> paths)
    {
        var list = Path.Combine(Path.GetTempPath(), $"concat-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(list, paths.Select(p => $"file '{p}'"));
        try
        {
            return ToSamples(Run("ffmpeg", ["-v", "error", "-f", "concat", "-safe", "0", "-i", list, "-map", "0:a", "-f", "s16le", "-ac", "1", "-ar", "48000", "-"], out _));
        }
        finally
        {
            File.Delete(list);
        }
    }

    /// <summary>Frames of video ffmpeg decodes from the file (every frame must decode).</summary>
    public static int CountVideoFrames(string path, out string errors)
    {
        var output = Run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path], out errors);
        return int.TryParse(System.Text.Encoding.ASCII.GetString(output).Trim().TrimEnd(','), out var n) ? n : -1;
    }

    private static short[] ToSamples(byte[] bytes)
    {
        var samples = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
        return samples;
    }

    private static byte[] Run(string tool, string[] arguments, out string error)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        var errorTask = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        error = errorTask.Result;
        return output.ToArray();
    }
}
