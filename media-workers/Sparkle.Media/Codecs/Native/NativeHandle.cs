using System.Runtime.InteropServices;

namespace Sparkle.Media.Codecs.Native;

/// <summary>Owns a native codec state and frees it exactly once, even if the owner is never disposed.</summary>
internal sealed class NativeHandle : SafeHandle
{
    private readonly Action<IntPtr> _free;

    public NativeHandle(IntPtr handle, Action<IntPtr> free)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _free = free;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        _free(handle);
        return true;
    }
}
