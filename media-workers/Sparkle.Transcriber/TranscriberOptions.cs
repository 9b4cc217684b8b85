namespace Sparkle.Transcriber;

/// <summary>Configuration section "Transcriber".</summary>
public sealed class TranscriberOptions
{
    public const string Section = "Transcriber";

    /// <summary>Parallel recognitions (one PocketSphinx decoder and one CPU each). 1 by default: the worker
    /// shares the machine with the mixers; add processes or raise this on machines of their own.</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>How long a leased job is this worker's before the queue gives it to another (a worker killed
    /// mid-utterance loses it after this).</summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>How long an idle loop waits before asking the queue again.</summary>
    public int IdlePollMilliseconds { get; set; } = 500;

    /// <summary>Unique per process; defaults to host name and process id.</summary>
    public string? WorkerId { get; set; }

    /// <summary>Longer utterances are marked untranscribed (the recorder splits at 60 s, so this is a guard).</summary>
    public int MaxUtteranceSeconds { get; set; } = 300;
}
