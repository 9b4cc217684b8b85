using System.Buffers.Binary;

namespace Sparkle.Media.Codecs;

/// <summary>Decodes a whole Ogg Opus file (RFC 7845, as the recorder writes utterances) to mono 16-bit PCM at
/// 48 kHz: Ogg pages (RFC 3533) to packets, the OpusHead's pre-skip and the last page's granule position for
/// exact length, libopus for the audio. For replays: runs off the media threads and allocates freely. Page CRCs
/// are not checked (sealed recordings are authenticated as a whole); anything malformed is an
/// <see cref="InvalidDataException"/>.</summary>
public static class OggOpusFile
{
    public const int SampleRate = 48000;
    private const int HeaderBytes = 27;
    private const int MaxPacketSamples = 5760; // 120 ms, Opus' longest packet

    /// <summary>Decodes at most <paramref name="maxSamples"/> samples (the rest is left out).</summary>
    public static short[] DecodeToPcm48(ReadOnlySpan<byte> file, int maxSamples = int.MaxValue)
    {
        var packets = ReadPackets(file, out var lastGranule);
        if (packets.Count == 0 || !packets[0].AsSpan().StartsWith("OpusHead"u8) || packets[0].Length < 19)
        {
            throw new InvalidDataException("Not an Ogg Opus file: no OpusHead.");
        }

        var head = packets[0];
        var channels = head[9];
        var preSkip = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10));
        if (head[18] != 0 || channels is < 1 or > 2)
        {
            throw new InvalidDataException($"Ogg Opus with {channels} channels (mapping family {head[18]}) is not supported.");
        }

        // The granule position of the last page counts 48 kHz samples including the pre-skip: the exact end.
        var total = lastGranule > preSkip ? lastGranule - preSkip : long.MaxValue;
        var limit = (int)Math.Min(Math.Min(total, maxSamples), int.MaxValue);
        var pcm = new List<short>(Math.Min(limit, SampleRate * 10));
        var frame = new short[MaxPacketSamples];
        var skip = (int)preSkip;
        using var decoder = new OpusDecoder(); // mono: libopus downmixes a stereo stream
        // Packet 1 is OpusTags; audio starts at packet 2.
        for (var p = 2; p < packets.Count && pcm.Count < limit; p++)
        {
            var samples = decoder.Decode(packets[p], frame);
            if (samples < 0)
            {
                samples = decoder.Conceal(frame, 960, default);
            }
            var start = Math.Min(skip, samples);
            skip -= start;
            var take = Math.Min(samples - start, limit - pcm.Count);
            for (var i = 0; i < take; i++)
            {
                pcm.Add(frame[start + i]);
            }
        }
        return [.. pcm];
    }

    /// <summary>The packets of the file's first logical stream, in order (a packet may span pages).</summary>
    public static List<byte[]> ReadPackets(ReadOnlySpan<byte> file, out long lastGranule)
    {
        var packets = new List<byte[]>();
        var partial = new List<byte>();
        lastGranule = 0;
        uint? serial = null;
        var offset = 0;
        while (offset < file.Length)
        {
            var page = file[offset..];
            if (page.Length < HeaderBytes || !page.StartsWith("OggS"u8) || page[4] != 0)
            {
                throw new InvalidDataException($"No Ogg page at byte {offset}.");
            }
            var flags = page[5];
            var granule = BinaryPrimitives.ReadInt64LittleEndian(page[6..]);
            var pageSerial = BinaryPrimitives.ReadUInt32LittleEndian(page[14..]);
            var segments = page[26];
            if (page.Length < HeaderBytes + segments)
            {
                throw new InvalidDataException($"Ogg page at byte {offset} is cut short.");
            }
            var lacing = page.Slice(HeaderBytes, segments);
            var bodyLength = 0;
            foreach (var l in lacing)
            {
                bodyLength += l;
            }
            var pageLength = HeaderBytes + segments + bodyLength;
            if (page.Length < pageLength)
            {
                throw new InvalidDataException($"Ogg page at byte {offset} is cut short.");
            }
            offset += pageLength;
            serial ??= pageSerial;
            if (pageSerial != serial)
            {
                continue; // another logical stream (none in our files)
            }
            if ((flags & 1) == 0 && partial.Count > 0)
            {
                partial.Clear(); // a continuation was promised but not given: drop the torn packet
            }
            var body = page.Slice(HeaderBytes + segments, bodyLength);
            var at = 0;
            foreach (var l in lacing)
            {
                for (var i = 0; i < l; i++)
                {
                    partial.Add(body[at + i]);
                }
                at += l;
                if (l < 255)
                {
                    packets.Add([.. partial]);
                    partial.Clear();
                }
            }
            if (granule >= 0)
            {
                lastGranule = granule;
            }
        }
        return packets;
    }
}
