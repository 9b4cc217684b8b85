namespace Sparkle.Video.Codecs.Native;

/// <summary>Field access by byte offset into natively allocated C structures.</summary>
internal static unsafe class NativeStruct
{
    public static T Read<T>(nint structure, int offset)
        where T : unmanaged => *(T*)(structure + offset);

    public static void Write<T>(nint structure, int offset, T value)
        where T : unmanaged => *(T*)(structure + offset) = value;
}
