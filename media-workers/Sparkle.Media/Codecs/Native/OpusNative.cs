using System.Runtime.InteropServices;

namespace Sparkle.Media.Codecs.Native;

/// <summary>The few libopus entry points the worker uses (Debian package libopus0).</summary>
internal static unsafe partial class OpusNative
{
    private const string Library = "libopus.so.0";

    public const int ApplicationVoip = 2048;
    public const int Ok = 0;
    public const int SetBitrateRequest = 4002;
    public const int SetComplexityRequest = 4010;
    public const int SetInbandFecRequest = 4012;
    public const int SetPacketLossPercRequest = 4014;
    public const int SetDtxRequest = 4016;
    public const int SetSignalRequest = 4024;
    public const int SignalVoice = 3001;

    [LibraryImport(Library, EntryPoint = "opus_encoder_create")]
    public static partial IntPtr EncoderCreate(int sampleRate, int channels, int application, out int error);

    [LibraryImport(Library, EntryPoint = "opus_encoder_destroy")]
    public static partial void EncoderDestroy(IntPtr encoder);

    [LibraryImport(Library, EntryPoint = "opus_encode")]
    public static partial int Encode(IntPtr encoder, short* pcm, int frameSize, byte* data, int maxDataBytes);

    // opus_encoder_ctl is variadic; on x86-64 System V a single int vararg is passed like a fixed one.
    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")]
    public static partial int EncoderCtl(IntPtr encoder, int request, int value);

    [LibraryImport(Library, EntryPoint = "opus_decoder_create")]
    public static partial IntPtr DecoderCreate(int sampleRate, int channels, out int error);

    [LibraryImport(Library, EntryPoint = "opus_decoder_destroy")]
    public static partial void DecoderDestroy(IntPtr decoder);

    [LibraryImport(Library, EntryPoint = "opus_decode")]
    public static partial int Decode(IntPtr decoder, byte* data, int length, short* pcm, int frameSize, int decodeFec);

    [LibraryImport(Library, EntryPoint = "opus_packet_get_nb_samples")]
    public static partial int PacketGetSamples(byte* packet, int length, int sampleRate);
}
