namespace Sparkle.Media.Mixing;

/// <summary>Energy-based voice activity and a smoothed speaker score for one leg, in the spirit of
/// FreeSWITCH's energy threshold plus hangover: a frame is voiced when its level clears both an absolute
/// floor and the tracked noise floor by a margin; the leg counts as talking until the hangover runs out;
/// the score is an exponential average of voiced energy used to rank talkers.</summary>
public sealed class SpeakerDetector(MixerOptions options)
{
    private double _noiseFloorDb = -60;
    private int _hangover;

    public double LevelDbov { get; private set; } = -96;
    public double Score { get; private set; }
    public bool Talking => _hangover > 0;

    public void Update(ReadOnlySpan<short> frame)
    {
        double energy = 0;
        foreach (var sample in frame)
        {
            energy += sample * (double)sample;
        }
        var meanSquare = frame.IsEmpty ? 0 : energy / frame.Length;
        LevelDbov = meanSquare <= 0 ? -96 : 10 * Math.Log10(meanSquare / (32768.0 * 32768.0));

        // The floor follows quiet frames down at once and creeps up slowly (0.1 dB per frame) otherwise.
        _noiseFloorDb = LevelDbov < _noiseFloorDb ? LevelDbov : Math.Min(_noiseFloorDb + 0.1, -20);
        _noiseFloorDb = Math.Max(_noiseFloorDb, -80);

        var voiced = LevelDbov > options.AbsoluteFloorDbov && LevelDbov > _noiseFloorDb + options.VoiceAboveFloorDb;
        if (voiced)
        {
            _hangover = options.HangoverFrames;
        }
        else if (_hangover > 0)
        {
            _hangover--;
        }
        var target = voiced ? LevelDbov - options.AbsoluteFloorDbov : 0;
        Score += (target - Score) * options.ScoreSmoothing;
    }

    /// <summary>A muted or silent leg: no energy, the hangover ends.</summary>
    public void Silence()
    {
        LevelDbov = -96;
        _hangover = 0;
        Score += (0 - Score) * options.ScoreSmoothing;
    }
}
