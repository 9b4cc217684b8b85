using Sparkle.Video.Rtp;

namespace Sparkle.Video.Tests.Rtp;

internal sealed class CollectingSink : IRtpPayloadSink
{
    public List<(byte[] Payload, bool Marker)> Packets { get; } = [];

    public void OnPayload(ReadOnlySpan<byte> payload, bool marker) => Packets.Add((payload.ToArray(), marker));

    /// <summary>Feeds the packets to a depacketizer as consecutive RTP packets of one timestamp.</summary>
    public DepacketizeResult Feed(IVideoDepacketizer depacketizer, ref ushort sequence, uint timestamp, Func<int, bool>? keep = null)
    {
        var result = DepacketizeResult.Pending;
        for (var i = 0; i < Packets.Count; i++)
        {
            var seq = sequence++;
            if (keep is null || keep(i))
            {
                result = depacketizer.Push(Packets[i].Payload, seq, timestamp, Packets[i].Marker);
            }
        }

        return result;
    }
}
