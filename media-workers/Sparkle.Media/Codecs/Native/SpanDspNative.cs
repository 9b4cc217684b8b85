using System.Runtime.InteropServices;

namespace Sparkle.Media.Codecs.Native;

/// <summary>G.722 and packet-loss concealment from spandsp (Debian package libspandsp2).</summary>
internal static unsafe partial class SpanDspNative
{
    private const string Library = "libspandsp.so.2";

    [LibraryImport(Library, EntryPoint = "g722_encode_init")]
    public static partial IntPtr G722EncodeInit(IntPtr state, int rate, int options);

    [LibraryImport(Library, EntryPoint = "g722_encode_free")]
    public static partial int G722EncodeFree(IntPtr state);

    [LibraryImport(Library, EntryPoint = "g722_encode")]
    public static partial int G722Encode(IntPtr state, byte* g722, short* amp, int length);

    [LibraryImport(Library, EntryPoint = "g722_decode_init")]
    public static partial IntPtr G722DecodeInit(IntPtr state, int rate, int options);

    [LibraryImport(Library, EntryPoint = "g722_decode_free")]
    public static partial int G722DecodeFree(IntPtr state);

    [LibraryImport(Library, EntryPoint = "g722_decode")]
    public static partial int G722Decode(IntPtr state, short* amp, byte* g722, int length);

    [LibraryImport(Library, EntryPoint = "plc_init")]
    public static partial IntPtr PlcInit(IntPtr state);

    [LibraryImport(Library, EntryPoint = "plc_free")]
    public static partial int PlcFree(IntPtr state);

    [LibraryImport(Library, EntryPoint = "plc_rx")]
    public static partial int PlcRx(IntPtr state, short* amp, int length);

    [LibraryImport(Library, EntryPoint = "plc_fillin")]
    public static partial int PlcFillIn(IntPtr state, short* amp, int length);
}
