namespace Sparkle.Grains.Meetings;

/// <summary>The meeting grain as the media fleet's control sees it: the registry warns it of a lost worker and asks it to
/// move off a draining one; a worker that the registry had declared dead asks which legs it still serves. Key: the meeting
/// id (the same grain as <see cref="IMeetingGrain"/>). Only the platform's own processes call these.</summary>
public interface IMeetingMediaGrain : IGrainWithGuidKey
{
    /// <summary>The worker stopped heartbeating and did not answer a probe: every leg it held is re-homed onto live workers
    /// (new legs, a re-INVITE to each SIP phone), and the composite and the recording move if it was the home.</summary>
    Task OnMediaWorkerLostAsync(string workerId, long generation);

    /// <summary>Moves up to <paramref name="maxLegs"/> legs (and first the home) off a draining worker by the same re-home
    /// path; returns how many of the meeting's legs are still on it (0: done). The drain calls it again at its pace.</summary>
    Task<int> MoveOffWorkerAsync(string workerId, int maxLegs);

    /// <summary>Which of these legs the worker still serves under this generation; it releases the others (they were moved
    /// while it was declared dead). Nothing but the grain's own placement decides: a leg placed under an older generation
    /// is stale.</summary>
    Task<IReadOnlyList<string>> ConfirmLegsAsync(string workerId, long generation, IReadOnlyList<string> participantIds);
}
