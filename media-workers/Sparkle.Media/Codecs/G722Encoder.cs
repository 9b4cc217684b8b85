using Sparkle.Media.Codecs.Native;

namespace Sparkle.Media.Codecs;

/// <summary>G.722 at 64 kbit/s through spandsp: one byte per two 16 kHz samples.</summary>
public sealed unsafe class G722Encoder : IAudioEncoder
{
    private readonly NativeHandle _state;

    public G722Encoder()
    {
        var state = SpanDspNative.G722EncodeInit(IntPtr.Zero, 64000, 0);
        if (state == IntPtr.Zero)
        {
            throw new InvalidOperationException("spandsp g722_encode_init failed.");
        }
        _state = new NativeHandle(state, p => SpanDspNative.G722EncodeFree(p));
    }

    public int SampleRate => 16000;

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        if (payload.Length < (pcm.Length + 1) / 2)
        {
            return -1;
        }
        fixed (short* input = pcm)
        fixed (byte* output = payload)
        {
            return SpanDspNative.G722Encode(_state.DangerousGetHandle(), output, input, pcm.Length);
        }
    }

    public void Dispose() => _state.Dispose();
}
