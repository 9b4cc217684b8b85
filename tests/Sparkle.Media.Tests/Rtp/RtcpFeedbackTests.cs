using Sparkle.Media.Rtp;

namespace Sparkle.Media.Tests.Rtp;

public class RtcpFeedbackTests
{
    [Fact]
    public void GenericNackRoundTripsPidsAndBitmasks()
    {
        ushort[] lost = [65530, 65531, 65535, 0, 10, 11, 26, 27];
        var packet = new byte[128];

        var length = RtcpFeedback.WriteGenericNack(packet, 0x1111, 0x2222, lost);

        // RTPFB, FMT 1; two entries: 65530 with +1, +5, +6 (0) and +16 (10); 11 with +15 and +16.
        Assert.Equal(0x81, packet[0]);
        Assert.Equal((byte)RtcpPacketType.TransportFeedback, packet[1]);
        var reader = new RtcpReader(packet.AsSpan(0, length));
        Assert.True(reader.TryReadNext(out var type, out var format, out var sender, out var body));
        Assert.Equal(((byte)205, 1, 0x1111u), (type, format, sender));
        Span<ushort> read = stackalloc ushort[32];
        var count = RtcpFeedback.ReadGenericNack(body[4..], read);
        Assert.Equal(lost, read[..count].ToArray());
        Assert.Equal(12 + (2 * 4), length);
    }
}
