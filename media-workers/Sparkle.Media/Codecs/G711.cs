using System.Numerics;

namespace Sparkle.Media.Codecs;

/// <summary>ITU-T G.711 μ-law and A-law, through tables built once: one lookup per sample either way.</summary>
public static class G711
{
    private static readonly short[] s_ulawToLinear = BuildDecodeTable(DecodeUlaw);
    private static readonly short[] s_alawToLinear = BuildDecodeTable(DecodeAlaw);
    private static readonly byte[] s_linearToUlaw = BuildEncodeTable(EncodeUlaw);
    private static readonly byte[] s_linearToAlaw = BuildEncodeTable(EncodeAlaw);

    public static short UlawToLinear(byte value) => s_ulawToLinear[value];
    public static short AlawToLinear(byte value) => s_alawToLinear[value];
    public static byte LinearToUlaw(short sample) => s_linearToUlaw[(ushort)sample];
    public static byte LinearToAlaw(short sample) => s_linearToAlaw[(ushort)sample];

    public static void Decode(ReadOnlySpan<byte> encoded, Span<short> pcm, bool aLaw)
    {
        var table = aLaw ? s_alawToLinear : s_ulawToLinear;
        for (var i = 0; i < encoded.Length; i++)
        {
            pcm[i] = table[encoded[i]];
        }
    }

    public static void Encode(ReadOnlySpan<short> pcm, Span<byte> encoded, bool aLaw)
    {
        var table = aLaw ? s_linearToAlaw : s_linearToUlaw;
        for (var i = 0; i < pcm.Length; i++)
        {
            encoded[i] = table[(ushort)pcm[i]];
        }
    }

    private static short[] BuildDecodeTable(Func<byte, short> decode)
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            table[i] = decode((byte)i);
        }
        return table;
    }

    private static byte[] BuildEncodeTable(Func<short, byte> encode)
    {
        var table = new byte[65536];
        for (var i = 0; i < 65536; i++)
        {
            table[i] = encode((short)(ushort)i);
        }
        return table;
    }

    // μ-law: 14-bit magnitude plus bias 0x84, segment = position of the leading one (G.711 Table 2a).
    private static byte EncodeUlaw(short sample)
    {
        const int bias = 0x84;
        const int clip = 32635;
        int value = sample;
        var sign = 0;
        if (value < 0)
        {
            sign = 0x80;
            value = -value;
        }
        value = Math.Min(value, clip) + bias;
        var exponent = BitOperations.Log2((uint)value) - 7;
        var mantissa = (value >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    private static short DecodeUlaw(byte encoded)
    {
        const int bias = 0x84;
        int u = (byte)~encoded;
        var t = (((u & 0x0F) << 3) + bias) << ((u & 0x70) >> 4);
        return (short)((u & 0x80) != 0 ? bias - t : t - bias);
    }

    // A-law: 13-bit magnitude, segments 0 and 1 share a step size (G.711 Table 1a); even bits inverted.
    private static byte EncodeAlaw(short sample)
    {
        int pcm = sample;
        int mask;
        if (pcm >= 0)
        {
            mask = 0xD5;
        }
        else
        {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        pcm >>= 3;
        var segment = pcm <= 0x1F ? 0 : BitOperations.Log2((uint)pcm) - 4;
        if (segment >= 8)
        {
            return (byte)(0x7F ^ mask);
        }
        var value = segment << 4;
        value |= segment < 2 ? (pcm >> 1) & 0x0F : (pcm >> segment) & 0x0F;
        return (byte)(value ^ mask);
    }

    private static short DecodeAlaw(byte encoded)
    {
        int a = encoded ^ 0x55;
        var t = (a & 0x0F) << 4;
        var segment = (a & 0x70) >> 4;
        t = segment switch
        {
            0 => t + 8,
            1 => t + 0x108,
            _ => (t + 0x108) << (segment - 1),
        };
        return (short)((a & 0x80) != 0 ? t : -t);
    }
}
