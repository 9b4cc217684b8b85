using Sparkle.Grains.Recordings;

namespace Sparkle.Grains.Internal;

/// <summary>One page of a meeting's utterances (at most <see cref="UtterancePage.Size"/>), owned by the
/// meeting's catalog grain, which alone calls it. Key: <see cref="UtterancePage.Key"/>.</summary>
public interface IUtterancePageGrain : IGrainWithStringKey
{
    /// <summary>False when the page is full (the catalog opens the next); true when added or already there.</summary>
    Task<bool> AddAsync(UtteranceRecord utterance);
    Task<IReadOnlyList<UtteranceRecord>> ListAsync(string? speakerNumber, DateTimeOffset? after, int max);
    Task<UtteranceRecord?> FindAsync(Guid utteranceId);
    /// <summary>Utterances not of <paramref name="exceptParticipantId"/> that ended after <paramref name="endedAfter"/>
    /// (any, with null) and at or before <paramref name="endedBy"/>, latest end first.</summary>
    Task<IReadOnlyList<UtteranceRecord>> ListEndedAsync(string exceptParticipantId, DateTimeOffset? endedAfter, DateTimeOffset endedBy, int max);
    /// <summary>Removes the utterances that ended before <paramref name="cutoff"/> (all with null) and
    /// returns their blob names: their wrapped keys are gone with them.</summary>
    Task<IReadOnlyList<string>> RemoveEndedBeforeAsync(DateTimeOffset? cutoff);
}

public static class UtterancePage
{
    public const int Size = 256;
    public const int MaxPages = 400;

    public static string Key(Guid meetingId, int page) => $"{meetingId:N}/{page}";
}
