using Microsoft.Extensions.Logging;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Recordings;

namespace Sparkle.Grains.Meetings;

/// <summary>Private replay (issue 9): stored utterances played into one participant's own leg only, the meeting
/// ducked underneath on the worker. <c>*7</c> / <c>*77</c> from the keypad, <c>replayUtterance</c> from the API.
/// The right to replay: a participant of the meeting while it runs (the matrix's <see cref="Operation.ReplayUtterance"/>),
/// and a leg to play into: connected (not on hold) and past the PIN lobby.</summary>
public sealed partial class MeetingGrain
{
    /// <summary><c>*77</c>: the utterances of others that ended within this window before the key press.</summary>
    internal static readonly TimeSpan ReplayMissedWindow = TimeSpan.FromSeconds(30);

    public async Task<bool> ReplayUtteranceAsync(Caller caller, Guid utteranceId)
    {
        await DemandAsync(caller, Operation.ReplayUtterance);
        if (caller.Kind != CallerKind.User || caller.UserNumber is not { } number)
        {
            throw new AccessDeniedException("A replay plays into a participant's own call: only users replay.");
        }

        // The caller's own leg: the latest joined, if they are in the call twice.
        var record = S.Participants
            .Where(p => p.UserNumber == number && CanHearReplay(p))
            .OrderByDescending(p => p.JoinedAt)
            .FirstOrDefault()
            ?? throw new ValidationException("You are not connected to this meeting: a replay plays into your own call.");

        var grant = await GrainFactory.GetGrain<IRecordingCatalogGrain>(Id).AuthorizeUtteranceAsync(caller, utteranceId);
        var clip = new ReplayClip(grant.TenantId, grant.Parts.Select(p => new ReplaySegment(grant.ItemId, p.BlobName, p.SealedBytes, p.Key)).ToList());
        if (await Placement.WorkerOfAsync(record) is not { } worker)
        {
            throw new ValidationException("The meeting has no media to replay into.");
        }

        if (!await worker.PlayIntoLegAsync(Id, record.Id, clip).WaitAsync(ExternalCallTimeout))
        {
            throw new ValidationException("Your call's media is not ready for a replay.");
        }

        return true;
    }

    /// <summary>Connected and let into the conversation: a lobby leg hears nothing, and the worker sends a held
    /// call nothing, so neither gets a replay.</summary>
    private bool CanHearReplay(ParticipantRecord record) =>
        S.Status == MeetingStatus.Active && record.State == CallState.Connected && !record.InLobby;

    /// <summary><c>*7</c> (<paramref name="window"/> null): the latest utterance of anyone else that had ended by
    /// now. <c>*77</c>: every utterance of others that ended in the window, in the order they started. Nothing
    /// stored: nothing plays. Failures are logged: a keypad press has nobody to answer.</summary>
    private async Task KeypadReplayAsync(ParticipantRecord record, TimeSpan? window)
    {
        if (!CanHearReplay(record))
        {
            return;
        }

        try
        {
            if (record.UserNumber is { } number)
            {
                await DemandAsync(Caller.User(S.TenantId, number), Operation.ReplayUtterance);
            }

            var who = record.UserNumber ?? $"participant:{record.Id}";
            var clip = await GrainFactory.GetGrain<IRecordingCatalogGrain>(Id)
                .SelectReplayAsync(new ReplaySelection(record.Id, who, DateTimeOffset.UtcNow, window));
            if (clip is null)
            {
                logger.LogInformation("Meeting {MeetingId}: {ParticipantId} asked for a replay; nothing recorded to replay", Id, record.Id);
                return;
            }

            if (await Placement.WorkerOfAsync(record) is { } worker)
            {
                await worker.PlayIntoLegAsync(Id, record.Id, clip).WaitAsync(ExternalCallTimeout);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Meeting {MeetingId}: the replay {ParticipantId} keyed did not start", Id, record.Id);
        }
    }
}
