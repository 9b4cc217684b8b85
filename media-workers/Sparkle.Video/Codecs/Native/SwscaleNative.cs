using System.Runtime.InteropServices;

namespace Sparkle.Video.Codecs.Native;

/// <summary>Thin bindings to Debian 12's libswscale.so.6 (SIMD-optimised picture scaling).</summary>
internal static unsafe partial class SwscaleNative
{
    public const string Library = "libswscale.so.6";

    public const int FlagFastBilinear = 1;
    public const int FlagBilinear = 2;
    public const int FlagArea = 0x20;

    [LibraryImport(Library)]
    public static partial nint sws_getCachedContext(
        nint context, int sourceWidth, int sourceHeight, int sourceFormat,
        int destinationWidth, int destinationHeight, int destinationFormat,
        int flags, nint sourceFilter, nint destinationFilter, double* parameters);

    [LibraryImport(Library)]
    public static partial int sws_scale(
        nint context, byte** sourceSlices, int* sourceStrides, int sliceY, int sliceHeight, byte** destination, int* destinationStrides);

    [LibraryImport(Library)]
    public static partial void sws_freeContext(nint context);
}
