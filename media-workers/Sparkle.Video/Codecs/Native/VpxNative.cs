using System.Runtime.InteropServices;

namespace Sparkle.Video.Codecs.Native;

/// <summary>
/// Thin bindings to Debian 12's libvpx.so.7 (libvpx 1.12). Structures are allocated natively at
/// the sizes and reached at the offsets read with sizeof()/offsetof() from that version's headers;
/// the ABI versions make vpx_codec_*_init_ver refuse a library with another layout.
/// </summary>
internal static unsafe partial class VpxNative
{
    public const string Library = "libvpx.so.7";

    public const int EncoderAbiVersion = 25;
    public const int DecoderAbiVersion = 12;
    public const int ContextSize = 56;
    public const int EncoderConfigSize = 504;
    public const int DecoderConfigSize = 12;
    public const int ImageSize = 136;

    public const int ImageFormatI420 = 258;
    public const int PacketKindFrame = 0;
    public const int FrameFlagKey = 1;
    public const long EncodeFlagForceKeyFrame = 1;
    public const ulong DeadlineRealtime = 1;
    public const int RateControlCbr = 1;
    public const int ControlCpuUsed = 13;

    // vpx_codec_enc_cfg_t
    public const int ConfigThreads = 4;
    public const int ConfigWidth = 12;
    public const int ConfigHeight = 16;
    public const int ConfigTimeBase = 28;
    public const int ConfigErrorResilient = 36;
    public const int ConfigLagInFrames = 44;
    public const int ConfigDropFrameThreshold = 48;
    public const int ConfigEndUsage = 72;
    public const int ConfigTargetBitrate = 112;
    public const int ConfigMinQuantizer = 116;
    public const int ConfigMaxQuantizer = 120;
    public const int ConfigBufferSize = 132;
    public const int ConfigBufferInitialSize = 136;
    public const int ConfigBufferOptimalSize = 140;
    public const int ConfigKeyFrameMaxDistance = 168;

    // vpx_codec_dec_cfg_t
    public const int DecoderConfigThreads = 0;

    // vpx_image_t
    public const int ImageFormat = 0;
    public const int ImageDisplayWidth = 24;
    public const int ImageDisplayHeight = 28;
    public const int ImagePlanes = 48;
    public const int ImageStrides = 80;

    // vpx_codec_cx_pkt_t
    public const int PacketKind = 0;
    public const int PacketBuffer = 8;
    public const int PacketSize = 16;
    public const int PacketFlags = 40;

    [LibraryImport(Library)]
    public static partial nint vpx_codec_vp8_cx();

    [LibraryImport(Library)]
    public static partial nint vpx_codec_vp8_dx();

    [LibraryImport(Library)]
    public static partial int vpx_codec_enc_config_default(nint iface, nint config, uint usage);

    [LibraryImport(Library)]
    public static partial int vpx_codec_enc_init_ver(nint context, nint iface, nint config, long flags, int abiVersion);

    [LibraryImport(Library)]
    public static partial int vpx_codec_dec_init_ver(nint context, nint iface, nint config, long flags, int abiVersion);

    /// <summary>
    /// vpx_codec_control_ is variadic; on x86-64 System V an int vararg travels like a fixed
    /// argument, so declaring the one int we pass is sound there.
    /// </summary>
    [LibraryImport(Library)]
    public static partial int vpx_codec_control_(nint context, int id, int value);

    [LibraryImport(Library)]
    public static partial int vpx_codec_encode(nint context, nint image, long pts, ulong duration, long flags, ulong deadline);

    [LibraryImport(Library)]
    public static partial nint vpx_codec_get_cx_data(nint context, nint* iterator);

    [LibraryImport(Library)]
    public static partial int vpx_codec_decode(nint context, byte* data, uint size, nint userPrivate, long deadline);

    [LibraryImport(Library)]
    public static partial nint vpx_codec_get_frame(nint context, nint* iterator);

    [LibraryImport(Library)]
    public static partial nint vpx_img_wrap(nint image, int format, uint width, uint height, uint strideAlign, byte* data);

    [LibraryImport(Library)]
    public static partial int vpx_codec_destroy(nint context);

    [LibraryImport(Library)]
    public static partial nint vpx_codec_err_to_string(int error);

    public static string ErrorText(int error) => Marshal.PtrToStringUTF8(vpx_codec_err_to_string(error)) ?? $"error {error}";

    public static nint AllocZeroed(int size) => (nint)NativeMemory.AllocZeroed((nuint)size);

    public static void Free(ref nint block)
    {
        if (block != 0)
        {
            NativeMemory.Free((void*)block);
            block = 0;
        }
    }
}
