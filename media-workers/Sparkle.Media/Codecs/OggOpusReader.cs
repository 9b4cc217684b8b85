using System.Buffers.Binary;

namespace Sparkle.Media.Codecs;

/// <summary>An Ogg Opus file decoded to 48 kHz mono. <see cref="InputSampleRate"/> and
/// <see cref="Channels"/> are what the OpusHead says about the original (informational).</summary>
public sealed record OggOpusAudio(short[] Pcm, int Channels, int InputSampleRate, int PreSkip)
{
    public const int SampleRate = 48000;

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Pcm.Length / SampleRate);
}

/// <summary>Reads one utterance file (what the recorder writes; used by replay and by the transcriber): an Ogg stream (RFC 3533) of Opus (RFC 7845: OpusHead, OpusTags, then
/// audio packets), decoded with Sparkle.Media's libopus decoder (stereo is downmixed by libopus), with the
/// header's pre-skip dropped, its output gain applied and the end trimmed to the last granule position.
/// Anything malformed (bad capture pattern or CRC, a lost page, a packet libopus rejects, no end-of-stream
/// page) is an <see cref="InvalidDataException"/> saying what; valid but unsupported streams (channel
/// mapping families other than 0) a <see cref="NotSupportedException"/>. Only the first logical stream is
/// read; pages of others are skipped.</summary>
public static class OggOpusReader
{
    private const int PageHeaderLength = 27;
    private const int MaxFrameSamples = 5760; // 120 ms at 48 kHz

    public static OggOpusAudio Read(string path) => Read(File.ReadAllBytes(path), TimeSpan.FromHours(4));

    /// <param name="maxDuration">Longer streams are refused (a guard against files that decode to gigabytes).</param>
    public static OggOpusAudio Read(ReadOnlySpan<byte> file, TimeSpan maxDuration)
    {
        var maxSamples = (long)(maxDuration.TotalSeconds * OggOpusAudio.SampleRate);
        int? serial = null;
        uint expectedSequence = 0;
        var packet = new List<byte>();
        var packetIndex = 0;
        var channels = 0;
        var inputRate = 0;
        var preSkip = 0;
        var gain = 1.0;
        long lastGranule = -1;
        var sawEnd = false;
        var pcm = new List<short>();
        var frame = new short[MaxFrameSamples];
        using var decoder = new OpusDecoder();
        var offset = 0;
        while (offset < file.Length && !sawEnd)
        {
            var page = ParsePage(file, offset, out var pageLength);
            offset += pageLength;
            if (serial is null)
            {
                if ((page.HeaderType & 0x02) == 0)
                {
                    throw new InvalidDataException("The first Ogg page is not a beginning-of-stream page.");
                }
                serial = page.Serial;
                expectedSequence = page.Sequence;
            }
            else if (page.Serial != serial)
            {
                continue;
            }
            if (page.Sequence != expectedSequence)
            {
                throw new InvalidDataException($"Ogg page {expectedSequence} is missing (found {page.Sequence}).");
            }
            expectedSequence++;
            var continued = (page.HeaderType & 0x01) != 0;
            if (continued != (packet.Count > 0))
            {
                throw new InvalidDataException($"Ogg page {page.Sequence}'s continuation flag does not match the packet before it.");
            }
            var body = file.Slice(page.BodyOffset, page.BodyLength);
            var position = 0;
            var completed = false;
            foreach (var lace in page.Lacing)
            {
                packet.AddRange(body.Slice(position, lace));
                position += lace;
                if (lace == 255)
                {
                    continue;
                }
                completed = true;
                var data = packet.ToArray();
                packet.Clear();
                switch (packetIndex++)
                {
                    case 0:
                        (channels, preSkip, inputRate, gain) = ParseHead(data);
                        break;
                    case 1:
                        if (data.Length < 8 || !data.AsSpan(0, 8).SequenceEqual("OpusTags"u8))
                        {
                            throw new InvalidDataException("The second Ogg packet is not OpusTags.");
                        }
                        break;
                    default:
                        var samples = decoder.Decode(data, frame);
                        if (samples < 0)
                        {
                            throw new InvalidDataException($"Opus packet {packetIndex - 2} is corrupt (libopus rejected it).");
                        }
                        if (pcm.Count + samples > maxSamples + preSkip)
                        {
                            throw new InvalidDataException($"The stream is longer than {maxDuration}.");
                        }
                        pcm.AddRange(frame.AsSpan(0, samples));
                        break;
                }
            }
            if (completed && page.Granule >= 0)
            {
                lastGranule = page.Granule;
            }
            sawEnd = (page.HeaderType & 0x04) != 0;
        }
        if (packetIndex < 2)
        {
            throw new InvalidDataException(serial is null ? "No Ogg pages." : "The stream ends before its Opus headers.");
        }
        if (!sawEnd)
        {
            throw new InvalidDataException("The Ogg stream ends without an end-of-stream page (truncated file?).");
        }
        var length = Math.Max(0, pcm.Count - preSkip);
        if (lastGranule >= 0)
        {
            // The final granule position counts pre-skip plus the samples meant to be played.
            length = (int)Math.Clamp(lastGranule - preSkip, 0, length);
        }
        var result = new short[length];
        for (var i = 0; i < length; i++)
        {
            var v = pcm[preSkip + i] * gain;
            result[i] = v >= short.MaxValue ? short.MaxValue : v <= short.MinValue ? short.MinValue : (short)Math.Round(v);
        }
        return new OggOpusAudio(result, channels, inputRate, preSkip);
    }

    private static (int Channels, int PreSkip, int InputRate, double Gain) ParseHead(ReadOnlySpan<byte> head)
    {
        if (head.Length < 19 || !head[..8].SequenceEqual("OpusHead"u8))
        {
            throw new InvalidDataException("The first Ogg packet is not an OpusHead (not an Ogg Opus file).");
        }
        if ((head[8] & 0xF0) != 0)
        {
            throw new NotSupportedException($"OpusHead version {head[8]} is not supported.");
        }
        var channels = head[9];
        if (channels == 0)
        {
            throw new InvalidDataException("OpusHead says 0 channels.");
        }
        var mapping = head[18];
        if (mapping != 0 || channels > 2)
        {
            throw new NotSupportedException($"Channel mapping family {mapping} with {channels} channels is not supported (mono and stereo only).");
        }
        var preSkip = BinaryPrimitives.ReadUInt16LittleEndian(head[10..]);
        var inputRate = (int)BinaryPrimitives.ReadUInt32LittleEndian(head[12..]);
        var gainQ8 = BinaryPrimitives.ReadInt16LittleEndian(head[16..]);
        return (channels, preSkip, inputRate, Math.Pow(10, gainQ8 / (20.0 * 256)));
    }

    private readonly record struct Page(byte HeaderType, long Granule, int Serial, uint Sequence, byte[] Lacing, int BodyOffset, int BodyLength);

    private static Page ParsePage(ReadOnlySpan<byte> file, int offset, out int length)
    {
        var rest = file[offset..];
        if (rest.Length < PageHeaderLength)
        {
            throw new InvalidDataException($"Truncated Ogg page header at byte {offset}.");
        }
        if (!rest[..4].SequenceEqual("OggS"u8))
        {
            throw new InvalidDataException($"No Ogg capture pattern at byte {offset} (not an Ogg file, or corrupt).");
        }
        if (rest[4] != 0)
        {
            throw new InvalidDataException($"Unknown Ogg version {rest[4]} at byte {offset}.");
        }
        var segments = rest[26];
        if (rest.Length < PageHeaderLength + segments)
        {
            throw new InvalidDataException($"Truncated Ogg page header at byte {offset}.");
        }
        var lacing = rest.Slice(PageHeaderLength, segments).ToArray();
        var bodyLength = 0;
        foreach (var lace in lacing)
        {
            bodyLength += lace;
        }
        length = PageHeaderLength + segments + bodyLength;
        if (rest.Length < length)
        {
            throw new InvalidDataException($"Truncated Ogg page at byte {offset} ({rest.Length} of {length} bytes).");
        }
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(rest[22..]);
        if (OggCrc.Compute(rest[..length]) != stored)
        {
            throw new InvalidDataException($"Ogg page at byte {offset} fails its CRC (corrupt).");
        }
        return new Page(rest[5], BinaryPrimitives.ReadInt64LittleEndian(rest[6..]), BinaryPrimitives.ReadInt32LittleEndian(rest[14..]),
            BinaryPrimitives.ReadUInt32LittleEndian(rest[18..]), lacing, offset + PageHeaderLength + segments, bodyLength);
    }
}

/// <summary>Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, over the page with its CRC
/// field read as zero.</summary>
internal static class OggCrc
{
    private static readonly uint[] s_table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> page)
    {
        uint crc = 0;
        for (var i = 0; i < page.Length; i++)
        {
            var b = i is >= 22 and < 26 ? (byte)0 : page[i];
            crc = (crc << 8) ^ s_table[(crc >> 24) ^ b];
        }
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var r = i << 24;
            for (var k = 0; k < 8; k++)
            {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }
            table[i] = r;
        }
        return table;
    }
}
