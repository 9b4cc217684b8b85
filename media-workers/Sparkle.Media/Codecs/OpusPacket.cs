namespace Sparkle.Media.Codecs;

/// <summary>What can be learnt from an Opus packet without decoding it (RFC 6716).</summary>
public static class OpusPacket
{
    /// <summary>True when the sender's own voice activity detector marked the packet as not speech:
    /// a SILK or Hybrid frame whose first VAD flag is 0 (RFC 6716 §4.2.3), or an empty (DTX) packet.
    /// The VAD flag is the first range-coded symbol with probability 1/2, which makes it the top bit of
    /// the first byte after the TOC. CELT-only packets and multi-frame layouts we do not inspect count
    /// as speech, so the caller decodes them.</summary>
    public static bool IsMarkedSilent(ReadOnlySpan<byte> packet)
    {
        if (packet.Length <= 1)
        {
            return true;
        }
        var toc = packet[0];
        var config = toc >> 3;
        var frameCode = toc & 0x03;
        if (config >= 16 || frameCode > 1)
        {
            return false;
        }
        return (packet[1] & 0x80) == 0;
    }
}
