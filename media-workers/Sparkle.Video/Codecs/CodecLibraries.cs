using System.Runtime.InteropServices;
using Sparkle.Video.Codecs.Native;

namespace Sparkle.Video.Codecs;

/// <summary>Checks that the Debian codec libraries can be loaded before a meeting needs them.</summary>
public static class CodecLibraries
{
    private static int s_logLevelSet;

    /// <summary>Null when everything loads, otherwise what is missing and which package provides it.</summary>
    public static string? FindMissing()
    {
        foreach (var (library, package) in new[]
        {
            (FfmpegNative.AvCodec, "libavcodec59"),
            (FfmpegNative.AvUtil, "libavutil57"),
            (VpxNative.Library, "libvpx7"),
            (SwscaleNative.Library, "libswscale6"),
        })
        {
            if (!NativeLibrary.TryLoad(library, out var handle))
            {
                return $"{library} not found (apt-get install {package})";
            }

            NativeLibrary.Free(handle);
        }

        return null;
    }

    /// <summary>Keeps FFmpeg's logging to errors (it writes to stderr, never to our logs).</summary>
    internal static void Initialise()
    {
        if (Interlocked.Exchange(ref s_logLevelSet, 1) == 0)
        {
            FfmpegNative.av_log_set_level(FfmpegNative.LogLevelError);
        }
    }
}
