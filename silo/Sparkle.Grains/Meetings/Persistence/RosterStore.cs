using System.Globalization;
using Orleans.Storage;

namespace Sparkle.Grains.Meetings.Persistence;

/// <summary>One roster page: the participants whose number falls in the page (see <see cref="RosterStore"/>).</summary>
[GenerateSerializer]
public sealed class RosterPage
{
    [Id(0)] public List<ParticipantRecord> Participants { get; set; } = [];
}

/// <summary>Stores a meeting's participants in pages of <see cref="PageSize"/> by participant number, each page
/// its own grain-state row beside the meeting's header row. A save writes only the pages holding a participant
/// that changed (every stored property's setter marks its record) or left the history, so a join, leave or mute
/// costs one small page write whatever the meeting's size or history (issue 15). Pages are written before the
/// header that lists them, so a reader never finds a listed page missing.</summary>
internal sealed class RosterStore(IGrainStorage storage, GrainId meetingId)
{
    public const int PageSize = 16;

    /// <summary>Each page's stored state (its ETag guards the next write).</summary>
    private readonly Dictionary<int, IGrainState<RosterPage>> _pages = [];
    /// <summary>Pages a save has yet to write: a record left the history, or a write failed.</summary>
    private readonly HashSet<int> _unsaved = [];

    private static string StateName(int page) => $"meeting-roster-{page.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Participant ids are "p" + a number that only grows (MeetingGrain.NewParticipant).</summary>
    public static int PageOf(string participantId) =>
        int.Parse(participantId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture) / PageSize;

    private static int NumberOf(ParticipantRecord record) =>
        int.Parse(record.Id.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The participants of the listed pages, in joining order, all marked saved.</summary>
    public async Task<List<ParticipantRecord>> LoadAsync(IReadOnlyCollection<int> pages)
    {
        var read = await Task.WhenAll(pages.Select(async page =>
        {
            var grainState = new GrainState<RosterPage>(new RosterPage());
            await storage.ReadStateAsync(StateName(page), meetingId, grainState);
            return (page, grainState);
        }));

        var participants = new List<ParticipantRecord>();
        foreach (var (page, grainState) in read)
        {
            _pages[page] = grainState;
            participants.AddRange(grainState.State?.Participants ?? []);
        }

        participants.Sort((a, b) => NumberOf(a).CompareTo(NumberOf(b)));
        foreach (var record in participants)
        {
            record.Unsaved = false;
        }

        return participants;
    }

    /// <summary>A record left the history: its page is rewritten without it at the next save.</summary>
    public void Removed(ParticipantRecord record) => _unsaved.Add(PageOf(record.Id));

    /// <summary>Every participant is written at the next save (a roster read from the old single-row form).</summary>
    public static void MarkAllUnsaved(IEnumerable<ParticipantRecord> participants)
    {
        foreach (var record in participants)
        {
            record.Unsaved = true;
        }
    }

    /// <summary>Writes the pages that changed and updates <paramref name="pageIndex"/> (the header's list of
    /// pages that hold someone); the caller writes the header afterwards.</summary>
    public async Task SaveAsync(IReadOnlyList<ParticipantRecord> participants, SortedSet<int> pageIndex)
    {
        var dirty = new HashSet<int>(_unsaved);
        _unsaved.Clear();
        foreach (var record in participants)
        {
            if (record.Unsaved)
            {
                record.Unsaved = false;
                dirty.Add(PageOf(record.Id));
            }
        }

        if (dirty.Count == 0)
        {
            return;
        }

        var contents = dirty.ToDictionary(page => page, _ => new List<ParticipantRecord>());
        foreach (var record in participants)
        {
            if (contents.TryGetValue(PageOf(record.Id), out var list))
            {
                list.Add(record);
            }
        }

        try
        {
            await Task.WhenAll(contents.Select(page => WritePageAsync(page.Key, page.Value)));
        }
        catch
        {
            // Written again at the next save (a page written twice is harmless).
            _unsaved.UnionWith(dirty);
            throw;
        }

        foreach (var (page, list) in contents)
        {
            if (list.Count == 0)
            {
                pageIndex.Remove(page);
            }
            else
            {
                pageIndex.Add(page);
            }
        }
    }

    private async Task WritePageAsync(int page, List<ParticipantRecord> records)
    {
        var grainState = _pages.GetValueOrDefault(page);
        if (records.Count == 0)
        {
            if (grainState is { RecordExists: true })
            {
                await storage.ClearStateAsync(StateName(page), meetingId, grainState);
            }

            _pages.Remove(page);
            return;
        }

        grainState ??= new GrainState<RosterPage>(new RosterPage());
        grainState.State = new RosterPage { Participants = records };
        await storage.WriteStateAsync(StateName(page), meetingId, grainState);
        _pages[page] = grainState;
    }

    /// <summary>Removes every page (the meeting is deleted).</summary>
    public async Task ClearAsync(IReadOnlyCollection<int> pages)
    {
        foreach (var page in pages)
        {
            var grainState = _pages.GetValueOrDefault(page) ?? new GrainState<RosterPage>(new RosterPage());
            if (!_pages.ContainsKey(page))
            {
                // Not read by this activation: its ETag comes from a read.
                await storage.ReadStateAsync(StateName(page), meetingId, grainState);
            }

            if (grainState.RecordExists)
            {
                await storage.ClearStateAsync(StateName(page), meetingId, grainState);
            }
        }

        _pages.Clear();
        _unsaved.Clear();
    }
}
