using System.Buffers.Binary;

namespace Sparkle.Video.Rtp;

/// <summary>
/// RFC 6184 depacketizer for packetization modes 0 and 1: single NAL unit packets, STAP-A and
/// FU-A. Produces Annex B access units (4-byte start codes) ready for the decoder.
/// </summary>
public sealed class H264Depacketizer : IVideoDepacketizer
{
    private const int StapA = 24;
    private const int FuA = 28;
    private const int NalIdr = 5;

    private static ReadOnlySpan<byte> StartCode => [0, 0, 0, 1];

    private readonly FrameAssembler _assembler = new();
    private bool _inFragment;
    private bool _onlyParameterSets;

    public ReadOnlySpan<byte> Frame => _assembler.Frame;

    public bool FrameIsKeyFrame => _assembler.IsKeyFrame;

    public uint FrameTimestamp => _assembler.Timestamp;

    public bool KeyFrameNeeded => _assembler.KeyFrameNeeded;

    public DepacketizeResult Push(ReadOnlySpan<byte> payload, ushort sequenceNumber, uint timestamp, bool marker)
    {
        var wasInFrame = _assembler.InFrame;
        if (wasInFrame && _onlyParameterSets && !_inFragment && timestamp != _assembler.CurrentTimestamp)
        {
            // SPS/PPS/SEI sent with their own timestamp and no marker: keep them for the picture.
            _assembler.TryCarryOver(timestamp);
        }

        var earlier = _assembler.BeginPacket(sequenceNumber, timestamp);
        if (!wasInFrame || earlier == DepacketizeResult.FrameDropped)
        {
            _inFragment = false;
            _onlyParameterSets = true;
        }

        if (payload.IsEmpty || (payload[0] & 0x80) != 0)
        {
            _assembler.MarkCorrupt(); // empty, or forbidden_zero_bit set
        }
        else
        {
            var type = payload[0] & 0x1F;
            if (type is >= 1 and <= 23)
            {
                EndFragmentIfOpen();
                AppendNal(payload);
            }
            else if (type == StapA)
            {
                EndFragmentIfOpen();
                ReadAggregate(payload[1..]);
            }
            else if (type == FuA)
            {
                ReadFragment(payload);
            }
            else
            {
                _assembler.MarkCorrupt(); // STAP-B, MTAP, FU-B: interleaved mode, not negotiated
            }
        }

        if (!marker)
        {
            return earlier;
        }

        if (_inFragment)
        {
            _assembler.MarkCorrupt(); // frame ended inside a fragmented NAL unit
            _inFragment = false;
        }

        return FrameAssembler.Merge(earlier, _assembler.Complete());
    }

    private void EndFragmentIfOpen()
    {
        if (_inFragment)
        {
            _assembler.MarkCorrupt();
            _inFragment = false;
        }
    }

    private void AppendNal(ReadOnlySpan<byte> nal)
    {
        _assembler.Append(StartCode);
        _assembler.Append(nal);
        NoteType(nal[0] & 0x1F);
    }

    private void NoteType(int type)
    {
        if (type == NalIdr)
        {
            _assembler.IsKeyFrame = true;
        }

        // 6 SEI, 7 SPS, 8 PPS, 9 access unit delimiter carry no picture data.
        _onlyParameterSets &= type is 6 or 7 or 8 or 9;
    }

    private void ReadAggregate(ReadOnlySpan<byte> units)
    {
        if (units.IsEmpty)
        {
            _assembler.MarkCorrupt();
            return;
        }

        while (!units.IsEmpty)
        {
            if (units.Length < 2)
            {
                _assembler.MarkCorrupt();
                return;
            }

            var size = BinaryPrimitives.ReadUInt16BigEndian(units);
            if (size == 0 || size > units.Length - 2)
            {
                _assembler.MarkCorrupt();
                return;
            }

            AppendNal(units.Slice(2, size));
            units = units[(2 + size)..];
        }
    }

    private void ReadFragment(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 3)
        {
            _assembler.MarkCorrupt();
            return;
        }

        var header = payload[1];
        var start = (header & 0x80) != 0;
        var end = (header & 0x40) != 0;
        if (start == _inFragment || (start && end))
        {
            // A start inside a fragment, a continuation without a start, or both bits at once.
            _assembler.MarkCorrupt();
            _inFragment = false;
            return;
        }

        if (start)
        {
            Span<byte> nalHeader = [(byte)((payload[0] & 0xE0) | (header & 0x1F))];
            _assembler.Append(StartCode);
            _assembler.Append(nalHeader);
            NoteType(header & 0x1F);
        }

        _assembler.Append(payload[2..]);
        _inFragment = !end;
    }
}
