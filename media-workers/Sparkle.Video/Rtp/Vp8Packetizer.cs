namespace Sparkle.Video.Rtp;

/// <summary>
/// RFC 7741 VP8 packetizer: every packet carries a payload descriptor with a 15-bit PictureID
/// (so receivers can tell frames apart after loss); S=1 marks the first packet of a frame.
/// </summary>
public sealed class Vp8Packetizer : IVideoPacketizer
{
    private const int DescriptorSize = 4;

    private readonly byte[] _scratch;
    private ushort _pictureId;

    public Vp8Packetizer(int maxPayloadSize = 1200, ushort initialPictureId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadSize, DescriptorSize + 1);
        MaxPayloadSize = maxPayloadSize;
        _scratch = new byte[maxPayloadSize];
        _pictureId = (ushort)(initialPictureId & 0x7FFF);
    }

    public int MaxPayloadSize { get; }

    public void Packetize(ReadOnlySpan<byte> frame, IRtpPayloadSink sink)
    {
        if (frame.IsEmpty)
        {
            return;
        }

        var chunk = MaxPayloadSize - DescriptorSize;
        for (var offset = 0; offset < frame.Length; offset += chunk)
        {
            var length = Math.Min(chunk, frame.Length - offset);
            _scratch[0] = (byte)(0x80 | (offset == 0 ? 0x10 : 0)); // X, S (partition index 0)
            _scratch[1] = 0x80; // I: PictureID present
            _scratch[2] = (byte)(0x80 | (_pictureId >> 8)); // M: 15-bit PictureID
            _scratch[3] = (byte)_pictureId;
            frame.Slice(offset, length).CopyTo(_scratch.AsSpan(DescriptorSize));
            sink.OnPayload(_scratch.AsSpan(0, DescriptorSize + length), offset + length == frame.Length);
        }

        _pictureId = (ushort)((_pictureId + 1) & 0x7FFF);
    }
}
