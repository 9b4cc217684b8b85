using System.Runtime.InteropServices;

namespace Sparkle.Video.Codecs.Native;

/// <summary>
/// Thin bindings to Debian 12's FFmpeg 5.1 (libavcodec.so.59, libavutil.so.57). Struct fields are
/// reached by offset; the offsets below were read with offsetof() from that version's headers and
/// are stable for the whole soname (FFmpeg only changes layouts on a major bump).
/// </summary>
internal static unsafe partial class FfmpegNative
{
    public const string AvCodec = "libavcodec.so.59";
    public const string AvUtil = "libavutil.so.57";

    public const int CodecIdH264 = 27;
    public const int CodecIdMjpeg = 7;
    public const int CodecFlagQscale = 1 << 1;
    public const int LambdaPerQp = 118; // FF_QP2LAMBDA
    public const int ColorRangeJpeg = 2;
    public const int PixelFormatYuv420P = 0;
    public const int PixelFormatYuvj420P = 12;
    public const int PictureTypeNone = 0;
    public const int PictureTypeI = 1;
    public const int PacketFlagKey = 1;
    public const int ErrorAgain = -11;
    public const int FlagLowDelay = 1 << 19;
    public const int LogLevelError = 16;
    public const int InputPaddingSize = 64;

    // AVCodecContext (libavcodec 59)
    public const int ContextBitRate = 56;
    public const int ContextGlobalQuality = 68;
    public const int ContextFlags = 76;
    public const int ContextTimeBase = 100;
    public const int ContextWidth = 116;
    public const int ContextHeight = 120;
    public const int ContextGopSize = 132;
    public const int ContextPixelFormat = 136;
    public const int ContextColorRange = 336;
    public const int ContextMaxBFrames = 160;
    public const int ContextRcBufferSize = 436;
    public const int ContextRcMaxRate = 456;
    public const int ContextThreadCount = 636;
    public const int ContextFramerate = 712;

    // AVFrame (libavutil 57)
    public const int FrameData = 0;
    public const int FrameLinesize = 64;
    public const int FrameWidth = 104;
    public const int FrameHeight = 108;
    public const int FrameFormat = 116;
    public const int FrameKeyFrame = 120;
    public const int FramePictType = 124;
    public const int FramePts = 136;
    public const int FrameQuality = 168;
    public const int FrameColorRange = 320;

    // AVPacket (libavcodec 59)
    public const int PacketPts = 8;
    public const int PacketData = 24;
    public const int PacketSize = 32;
    public const int PacketFlags = 40;

    [LibraryImport(AvCodec, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint avcodec_find_encoder_by_name(string name);

    [LibraryImport(AvCodec)]
    public static partial nint avcodec_find_decoder(int id);

    [LibraryImport(AvCodec)]
    public static partial nint avcodec_find_encoder(int id);

    [LibraryImport(AvCodec)]
    public static partial nint avcodec_alloc_context3(nint codec);

    [LibraryImport(AvCodec)]
    public static partial int avcodec_open2(nint context, nint codec, nint* options);

    [LibraryImport(AvCodec)]
    public static partial void avcodec_free_context(nint* context);

    [LibraryImport(AvCodec)]
    public static partial int avcodec_send_frame(nint context, nint frame);

    [LibraryImport(AvCodec)]
    public static partial int avcodec_receive_packet(nint context, nint packet);

    [LibraryImport(AvCodec)]
    public static partial int avcodec_send_packet(nint context, nint packet);

    [LibraryImport(AvCodec)]
    public static partial int avcodec_receive_frame(nint context, nint frame);

    [LibraryImport(AvCodec)]
    public static partial nint av_packet_alloc();

    [LibraryImport(AvCodec)]
    public static partial void av_packet_free(nint* packet);

    [LibraryImport(AvCodec)]
    public static partial void av_packet_unref(nint packet);

    [LibraryImport(AvUtil)]
    public static partial nint av_frame_alloc();

    [LibraryImport(AvUtil)]
    public static partial void av_frame_free(nint* frame);

    [LibraryImport(AvUtil)]
    public static partial int av_frame_get_buffer(nint frame, int align);

    [LibraryImport(AvUtil)]
    public static partial int av_frame_make_writable(nint frame);

    [LibraryImport(AvUtil, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_dict_set(nint* dictionary, string key, string value, int flags);

    [LibraryImport(AvUtil)]
    public static partial void av_dict_free(nint* dictionary);

    [LibraryImport(AvUtil)]
    public static partial void av_log_set_level(int level);

    [LibraryImport(AvUtil)]
    public static partial int av_strerror(int error, byte* buffer, nuint size);

    public static string ErrorText(int error)
    {
        var buffer = stackalloc byte[128];
        return av_strerror(error, buffer, 128) == 0 ? Marshal.PtrToStringUTF8((nint)buffer) ?? $"error {error}" : $"error {error}";
    }
}
