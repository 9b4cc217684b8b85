using Sparkle.Media.Codecs;
using Sparkle.Media.Mixing;

namespace Sparkle.Media.Tests.Mixing;

/// <summary>Drives a real mixer with synthetic participants: each one encodes its own signal with its
/// codec and "sends" it as RTP payloads; each one decodes what the mixer sends back.</summary>
internal sealed class MixerHarness : IDisposable
{
    private readonly List<Participant> _participants = [];
    private long _now;

    public MixerHarness(MixerOptions? options = null) => Mixer = new ConferenceMixer(options);

    public ConferenceMixer Mixer { get; }

    public Participant Add(string id, AudioCodec codec, Func<int, int, short[]> source)
    {
        var participant = new Participant(id, codec, source);
        participant.Leg = Mixer.AddLeg(id, codec, participant);
        _participants.Add(participant);
        return participant;
    }

    /// <summary>Runs ticks: every participant sends one frame, then the mixer ticks once.</summary>
    public void Run(int ticks)
    {
        for (var t = 0; t < ticks; t++)
        {
            foreach (var p in _participants)
            {
                p.SendFrame(_now);
            }
            Mixer.Tick();
            _now += TimeSpan.TicksPerMillisecond * 20;
        }
    }

    public void Dispose()
    {
        Mixer.Dispose();
        foreach (var p in _participants)
        {
            p.Dispose();
        }
    }

    internal sealed class Participant : IMixerLegSink, IDisposable
    {
        private readonly Func<int, int, short[]> _source;
        private readonly IAudioEncoder _encoder;
        private readonly IAudioDecoder _decoder;
        private readonly byte[] _payload = new byte[1500];
        private readonly short[] _decoded = new short[5760];
        private ushort _seq = 1;
        private uint _timestamp = 1000;
        private int _frame;

        public Participant(string id, AudioCodec codec, Func<int, int, short[]> source)
        {
            Id = id;
            Codec = codec;
            _source = source;
            _encoder = codec.CreateEncoder();
            _decoder = codec.CreateDecoder();
        }

        public string Id { get; }
        public AudioCodec Codec { get; }
        public MixerLeg Leg { get; set; } = null!;
        public List<short> Heard { get; } = [];
        public byte[] LastPayload { get; private set; } = [];
        public int FramesReceived { get; private set; }

        /// <summary>Sends every packet marked as non-speech, as an RFC 6464 level would.</summary>
        public bool MarkedQuiet { get; set; }

        public void SendFrame(long now)
        {
            var rate = Codec.SampleRate();
            var samples = rate / 50;
            var pcm = _source(_frame++, rate);
            var length = _encoder.Encode(pcm.AsSpan(0, samples), _payload);
            Leg.Receive(_seq++, _timestamp, _payload.AsSpan(0, length), now, quiet: MarkedQuiet);
            _timestamp += (uint)(Codec.RtpClockRate() / 50);
        }

        public void SendFrame(ReadOnlySpan<byte> payload, uint rtpTicks)
        {
            FramesReceived++;
            LastPayload = payload.ToArray();
            var n = _decoder.Decode(payload, _decoded);
            for (var i = 0; i < n; i++)
            {
                Heard.Add(_decoded[i]);
            }
        }

        /// <summary>What this participant heard over the last <paramref name="frames"/> frames.</summary>
        public short[] LastHeard(int frames)
        {
            var samples = frames * Codec.SampleRate() / 50;
            return Heard.Skip(Math.Max(0, Heard.Count - samples)).ToArray();
        }

        public void Dispose()
        {
            _encoder.Dispose();
            _decoder.Dispose();
        }
    }

    /// <summary>A continuous tone as a frame source.</summary>
    public static Func<int, int, short[]> Tone(double frequency, double amplitude) => (frame, rate) =>
    {
        var samples = rate / 50;
        var pcm = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            var n = (long)frame * samples + i;
            pcm[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * frequency * n / rate));
        }
        return pcm;
    };

    public static Func<int, int, short[]> Silence() => (_, rate) => new short[rate / 50];
}
