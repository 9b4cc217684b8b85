using System.Diagnostics;

namespace Sparkle.Video.Tests;

/// <summary>Runs ffmpeg for cross-checks; fails loudly when the tool is missing.</summary>
internal static class ExternalTools
{
    public static byte[] DecodePngToRgb(string path, int width, int height)
    {
        var output = RunFfmpeg($"-v error -i \"{path}\" -f rawvideo -pix_fmt rgb24 -");
        Assert.Equal(width * height * 3, output.Length);
        return output;
    }

    public static byte[] RunFfmpeg(string arguments)
    {
        var start = new ProcessStartInfo("ffmpeg", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"ffmpeg is required for this test (apt-get install ffmpeg): {e.Message}");
            throw;
        }

        using (process)
        {
            using var buffer = new MemoryStream();
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(buffer);
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"ffmpeg {arguments} failed: {stderr.Result}");
            return buffer.ToArray();
        }
    }
}
