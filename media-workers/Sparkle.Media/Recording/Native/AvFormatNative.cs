using System.Runtime.InteropServices;

namespace Sparkle.Media.Recording.Native;

/// <summary>
/// The libavformat entry points the recorder uses (Debian 12's FFmpeg 5.1: libavformat.so.59 with
/// libavcodec.so.59 and libavutil.so.57), in the style of Sparkle.Video's FfmpegNative. Struct fields are
/// reached by offset; the offsets were read with offsetof() from that version's headers
/// (libavformat-dev 5.1, x86-64) and hold for the whole soname (FFmpeg changes layouts only on a major bump).
/// </summary>
internal static unsafe partial class AvFormatNative
{
    public const string AvFormat = "libavformat.so.59";
    public const string AvCodec = "libavcodec.so.59";
    public const string AvUtil = "libavutil.so.57";

    public const int MediaTypeVideo = 0;
    public const int MediaTypeAudio = 1;
    public const int CodecIdH264 = 27;
    public const int CodecIdVp8 = 139;
    public const int CodecIdOpus = 86076;
    public const int IoFlagWrite = 2;
    public const int FormatFlagNoFile = 1;
    public const int PacketFlagKey = 1;
    public const int InputPaddingSize = 64;
    public const int LogLevelError = 16;

    // AVFormatContext (libavformat 59)
    public const int FormatContextOutputFormat = 16;
    public const int FormatContextPb = 32;

    // AVOutputFormat
    public const int OutputFormatFlags = 44;

    // AVStream
    public const int StreamIndex = 0;
    public const int StreamTimeBase = 16;
    public const int StreamCodecParameters = 208;

    // AVCodecParameters (libavcodec 59)
    public const int ParametersCodecType = 0;
    public const int ParametersCodecId = 4;
    public const int ParametersExtradata = 16;
    public const int ParametersExtradataSize = 24;
    public const int ParametersWidth = 56;
    public const int ParametersHeight = 60;
    public const int ParametersSampleRate = 116;
    public const int ParametersInitialPadding = 128;
    public const int ParametersChannelLayout = 144;

    // AVPacket (libavcodec 59)
    public const int PacketPts = 8;
    public const int PacketDts = 16;
    public const int PacketData = 24;
    public const int PacketSize = 32;
    public const int PacketStreamIndex = 36;
    public const int PacketFlags = 40;
    public const int PacketDuration = 64;

    [LibraryImport(AvFormat, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int avformat_alloc_output_context2(nint* context, nint format, string formatName, string fileName);

    [LibraryImport(AvFormat)]
    public static partial void avformat_free_context(nint context);

    [LibraryImport(AvFormat)]
    public static partial nint avformat_new_stream(nint context, nint codec);

    [LibraryImport(AvFormat, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int avio_open(nint* io, string url, int flags);

    [LibraryImport(AvFormat)]
    public static partial int avio_closep(nint* io);

    [LibraryImport(AvFormat)]
    public static partial int avformat_write_header(nint context, nint* options);

    [LibraryImport(AvFormat)]
    public static partial int av_interleaved_write_frame(nint context, nint packet);

    [LibraryImport(AvFormat)]
    public static partial int av_write_trailer(nint context);

    [LibraryImport(AvCodec)]
    public static partial nint av_packet_alloc();

    [LibraryImport(AvCodec)]
    public static partial void av_packet_free(nint* packet);

    [LibraryImport(AvUtil)]
    public static partial nint av_mallocz(nuint size);

    [LibraryImport(AvUtil)]
    public static partial void av_channel_layout_default(nint layout, int channels);

    [LibraryImport(AvUtil, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_dict_set(nint* dictionary, string key, string value, int flags);

    [LibraryImport(AvUtil)]
    public static partial void av_dict_free(nint* dictionary);

    [LibraryImport(AvUtil)]
    public static partial void av_log_set_level(int level);

    [LibraryImport(AvUtil)]
    public static partial int av_strerror(int error, byte* buffer, nuint size);

    public static T Read<T>(nint pointer, int offset) where T : unmanaged => *(T*)(pointer + offset);

    public static void Write<T>(nint pointer, int offset, T value) where T : unmanaged => *(T*)(pointer + offset) = value;

    public static string ErrorText(int error)
    {
        var buffer = stackalloc byte[128];
        return av_strerror(error, buffer, 128) == 0 ? Marshal.PtrToStringUTF8((nint)buffer) ?? $"error {error}" : $"error {error}";
    }
}
