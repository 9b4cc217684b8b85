using Sparkle.Grains.Internal;

namespace Sparkle.Grains.Recordings;

/// <summary>A page of utterances: adding one rewrites at most <see cref="UtterancePage.Size"/> records
/// (~50 KB), however long the meeting.</summary>
public sealed class UtterancePageGrain(
    [PersistentState(stateName: "utterances", storageName: SparkleStorage.Name)] IPersistentState<UtterancePageState> state)
    : Grain, IUtterancePageGrain
{
    private List<UtteranceRecord> Items => state.State.Utterances;

    public async Task<bool> AddAsync(UtteranceRecord utterance)
    {
        if (Items.Any(u => u.Id == utterance.Id))
        {
            return true;
        }

        if (Items.Count >= UtterancePage.Size)
        {
            return false;
        }

        Items.Add(utterance);
        await state.WriteStateAsync();
        return true;
    }

    public Task<IReadOnlyList<UtteranceRecord>> ListAsync(string? speakerNumber, DateTimeOffset? after, int max) =>
        Task.FromResult<IReadOnlyList<UtteranceRecord>>(Items
            .Where(u => speakerNumber is null || u.SpeakerNumber == speakerNumber)
            .Where(u => after is null || u.StartedAt > after)
            .OrderBy(u => u.StartedAt)
            .Take(max)
            .ToList());

    public Task<IReadOnlyList<UtteranceRecord>> ListEndedAsync(string exceptParticipantId, DateTimeOffset? endedAfter, DateTimeOffset endedBy, int max) =>
        Task.FromResult<IReadOnlyList<UtteranceRecord>>(Items
            .Where(u => u.ParticipantId != exceptParticipantId && u.EndedAt <= endedBy && (endedAfter is null || u.EndedAt > endedAfter))
            .OrderByDescending(u => u.EndedAt)
            .Take(max)
            .ToList());

    public Task<UtteranceRecord?> FindAsync(Guid utteranceId) =>
        Task.FromResult(Items.FirstOrDefault(u => u.Id == utteranceId));

    public async Task<IReadOnlyList<string>> RemoveEndedBeforeAsync(DateTimeOffset? cutoff)
    {
        var gone = Items.Where(u => cutoff is null || u.EndedAt < cutoff).ToList();
        if (gone.Count == 0)
        {
            return [];
        }

        Items.RemoveAll(gone.Contains);
        if (Items.Count == 0)
        {
            await state.ClearStateAsync();
            state.State = new UtterancePageState();
        }
        else
        {
            await state.WriteStateAsync();
        }

        return gone.Select(u => u.BlobName).ToList();
    }
}
