namespace Sparkle.Media.Rtp;

/// <summary>Per-source receive statistics as RFC 3550 Appendix A.1, A.3 and A.8 compute them: extended
/// highest sequence number, cumulative and fractional loss, interarrival jitter.</summary>
public sealed class RtpReceiverStats
{
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;
    private const uint SeqMod = 1 << 16;

    private readonly int _clockRate;
    private bool _started;
    private ushort _maxSeq;
    private uint _cycles;
    private uint _baseSeq;
    private uint _badSeq = SeqMod + 1;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private long _lastTransit;
    private double _jitter;
    private bool _haveTransit;

    public RtpReceiverStats(int clockRate) => _clockRate = clockRate;

    public uint Ssrc { get; private set; }
    public long PacketsReceived => _received;
    public uint ExtendedHighestSequence => _cycles + _maxSeq;
    public long Expected => _started ? (long)ExtendedHighestSequence - _baseSeq + 1 : 0;
    public long CumulativeLost => Math.Max(0, Expected - _received);

    /// <summary>Interarrival jitter in RTP timestamp units.</summary>
    public uint Jitter => (uint)_jitter;
    public double JitterMilliseconds => _jitter * 1000.0 / _clockRate;

    /// <summary>Middle 32 bits of the last SR's NTP time and when it arrived (for LSR/DLSR).</summary>
    public uint LastSenderReport { get; private set; }
    public long LastSenderReportArrivalTicks { get; private set; }

    /// <summary>Records one packet; returns false for one that the sequence check treats as invalid
    /// (a large jump not yet confirmed by a second packet, or a duplicate/very late one).</summary>
    public bool Update(uint ssrc, ushort seq, uint rtpTimestamp, long arrivalRtpUnits)
    {
        if (!_started || ssrc != Ssrc)
        {
            Restart(ssrc, seq);
            UpdateJitter(rtpTimestamp, arrivalRtpUnits);
            return true;
        }
        var delta = (ushort)(seq - _maxSeq);
        if (delta < MaxDropout)
        {
            if (seq < _maxSeq)
            {
                _cycles += SeqMod;
            }
            _maxSeq = seq;
        }
        else if (delta <= SeqMod - MaxMisorder)
        {
            if (seq == _badSeq)
            {
                // Two sequential packets after a big jump: the source restarted.
                Restart(ssrc, seq);
            }
            else
            {
                _badSeq = (uint)((seq + 1) & (SeqMod - 1));
                return false;
            }
        }
        // else: duplicate or reordered within the misorder window; counted as received.
        _received++;
        UpdateJitter(rtpTimestamp, arrivalRtpUnits);
        return true;
    }

    public void RecordSenderReport(ulong ntpTimestamp, long arrivalTicks)
    {
        LastSenderReport = (uint)(ntpTimestamp >> 16);
        LastSenderReportArrivalTicks = arrivalTicks;
    }

    /// <summary>Builds the report block for this source and starts a new reporting interval.</summary>
    public RtcpReportBlock TakeReportBlock(long nowTicks)
    {
        var expected = Expected;
        var expectedInterval = expected - _expectedPrior;
        var receivedInterval = _received - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = _received;
        var lostInterval = expectedInterval - receivedInterval;
        var fraction = expectedInterval <= 0 || lostInterval <= 0 ? (byte)0 : (byte)((lostInterval << 8) / expectedInterval);
        uint dlsr = 0;
        if (LastSenderReport != 0)
        {
            // DLSR in units of 1/65536 s.
            var elapsed = TimeSpan.FromTicks(nowTicks - LastSenderReportArrivalTicks).TotalSeconds;
            dlsr = (uint)Math.Clamp(elapsed * 65536.0, 0, uint.MaxValue);
        }
        return new RtcpReportBlock(Ssrc, fraction, (int)Math.Min(CumulativeLost, 0x7FFFFF), ExtendedHighestSequence, Jitter, LastSenderReport, dlsr);
    }

    private void Restart(uint ssrc, ushort seq)
    {
        _started = true;
        Ssrc = ssrc;
        _baseSeq = seq;
        _maxSeq = seq;
        _badSeq = SeqMod + 1;
        _cycles = 0;
        _received = 1;
        _expectedPrior = 0;
        _receivedPrior = 0;
        _haveTransit = false;
        _jitter = 0;
    }

    private void UpdateJitter(uint rtpTimestamp, long arrivalRtpUnits)
    {
        var transit = arrivalRtpUnits - rtpTimestamp;
        if (_haveTransit)
        {
            // Transit wraps with the 32-bit timestamp; compare modulo 2^32.
            var d = Math.Abs((int)(uint)(transit - _lastTransit));
            _jitter += (d - _jitter) / 16.0;
        }
        _lastTransit = transit;
        _haveTransit = true;
    }
}
