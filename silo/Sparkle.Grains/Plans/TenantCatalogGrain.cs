using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Serialization.Invocation;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Internal;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Plans;

/// <summary>Per-tenant index of plans and of the meetings not yet ended, and the allocator of conference numbers. Look-ups by
/// conference number interleave (the gateway asks on every INVITE to a conference).</summary>
[MayInterleave(nameof(IsLookup))]
public sealed class TenantCatalogGrain(
    [PersistentState(stateName: "catalog", storageName: SparkleStorage.Name)] IPersistentState<TenantCatalogState> state,
    ILogger<TenantCatalogGrain> logger)
    : Grain, ITenantCatalogGrain, ICatalogMembersGrain
{
    private const string AdHocPrefix = "conf-";

    private Guid TenantId => this.GetPrimaryKey();

    private IListingIndex Index => ServiceProvider.ListingIndex();

    public static bool IsLookup(IInvokable request) => request.GetMethodName() is nameof(FindMeetingAsync);

    /// <summary>A catalog kept before the listing index existed fills it once (who sees what from here, titles
    /// and states from each meeting), so a platform restarted on old data still lists everything.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Listed)
        {
            return;
        }

        try
        {
            foreach (var (id, meeting) in state.State.Meetings)
            {
                await Index.SetMeetingAudienceAsync(TenantId, id, meeting.OwnerNumber, meeting.Members);
            }

            foreach (var chunk in state.State.Meetings.Keys.Chunk(16))
            {
                await Task.WhenAll(chunk.Select(id => GrainFactory.GetGrain<IListedMeetingGrain>(id).WriteListingAsync()));
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Conference look-ups must keep working without the index: the next activation tries again.
            logger.LogWarning(e, "Tenant {TenantId}: could not fill the meeting listing index", TenantId);
            return;
        }

        state.State.Listed = true;
        await state.WriteStateAsync();
    }

    public Task EnsureListedAsync() => Task.CompletedTask;

    public async Task AddPlanAsync(Guid planId, string ownerNumber)
    {
        state.State.Plans[planId] = ownerNumber;
        await state.WriteStateAsync();
    }

    public async Task RemovePlanAsync(Guid planId)
    {
        if (state.State.Plans.Remove(planId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<IReadOnlyList<Guid>> ListPlansAsync(Caller caller)
    {
        var grant = await Access.DemandAsync(GrainFactory, TenantId, caller, Operation.CreatePlan);
        var all = grant.IsSystem || (grant.EffectiveRole is { } role && Permissions.Allows(role, Operation.ViewAnyPlan));
        return state.State.Plans.Where(p => all || p.Value == caller.UserNumber).Select(p => p.Key).ToList();
    }

    public async Task<string> AddMeetingAsync(Guid meetingId, bool adHoc)
    {
        if (state.State.Meetings.TryGetValue(meetingId, out var existing))
        {
            return existing.ConferenceNumber;
        }

        var number = AddMeeting(meetingId, adHoc).ConferenceNumber;
        await state.WriteStateAsync();
        await Index.SetMeetingAudienceAsync(TenantId, meetingId, "", []);
        return number;
    }

    public async Task<string> AddMeetingWithMembersAsync(Guid meetingId, bool adHoc, string ownerNumber, IReadOnlyList<string> numbers)
    {
        if (!state.State.Meetings.TryGetValue(meetingId, out var meeting))
        {
            meeting = AddMeeting(meetingId, adHoc);
        }

        meeting.OwnerNumber = ownerNumber;
        meeting.Members = numbers.Distinct().ToList();
        await state.WriteStateAsync();
        await Index.SetMeetingAudienceAsync(TenantId, meetingId, meeting.OwnerNumber, meeting.Members);
        return meeting.ConferenceNumber;
    }

    private CatalogMeeting AddMeeting(Guid meetingId, bool adHoc)
    {
        var number = adHoc ? NewAdHocId() : NewConferenceNumber();
        var meeting = new CatalogMeeting { ConferenceNumber = number, AdHoc = adHoc };
        state.State.Meetings[meetingId] = meeting;
        state.State.Numbers[number] = meetingId;
        return meeting;
    }

    public async Task SetMeetingMembersAsync(Guid meetingId, string ownerNumber, IReadOnlyList<string> numbers)
    {
        if (state.State.Meetings.TryGetValue(meetingId, out var meeting))
        {
            meeting.OwnerNumber = ownerNumber;
            meeting.Members = numbers.Distinct().ToList();
            await state.WriteStateAsync();
            await Index.SetMeetingAudienceAsync(TenantId, meetingId, meeting.OwnerNumber, meeting.Members);
        }
    }

    public async Task RemoveMeetingAsync(Guid meetingId)
    {
        if (state.State.Meetings.Remove(meetingId, out var meeting))
        {
            state.State.Numbers.Remove(meeting.ConferenceNumber);
            await state.WriteStateAsync();
        }

        // Also when the catalog had forgotten it already: the index must not keep a deleted meeting.
        await Index.RemoveMeetingAsync(TenantId, meetingId);
    }

    public async Task RetireMeetingAsync(Guid meetingId)
    {
        // The catalog holds live and scheduled meetings only, so it does not grow (and is not rewritten whole)
        // with every meeting the tenant ever held; history is paged from the listing index.
        if (state.State.Meetings.Remove(meetingId, out var meeting))
        {
            state.State.Numbers.Remove(meeting.ConferenceNumber);
            await state.WriteStateAsync();
        }
    }

    /// <summary>Managers (and platform components) see every meeting; others the meetings they own or
    /// are invited to.</summary>
    public async Task<IReadOnlyList<Guid>> ListMeetingsAsync(Caller caller)
    {
        var (all, number) = await MeetingAudience.OfAsync(GrainFactory, TenantId, caller);
        return state.State.Meetings
            .Where(m => all || (number.Length > 0 && (m.Value.OwnerNumber == number || m.Value.Members.Contains(number))))
            .Select(m => m.Key)
            .ToList();
    }

    public Task<Guid?> FindMeetingAsync(string conferenceUserPart) =>
        Task.FromResult(state.State.Numbers.TryGetValue(conferenceUserPart ?? "", out var id) ? id : (Guid?)null);

    /// <summary>A free 6-digit number (100000-999999) for a stored meeting.</summary>
    private string NewConferenceNumber()
    {
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var candidate = RandomNumberGenerator.GetInt32(100_000, 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!state.State.Numbers.ContainsKey(candidate))
            {
                return candidate;
            }
        }

        throw new ValidationException("No free conference number left.");
    }

    /// <summary>RFC 4579 §5.3: the factory gives each ad-hoc conference a URI of its own; it must be unique and hard to
    /// guess, so the user part is 80 random bits.</summary>
    private string NewAdHocId()
    {
        while (true)
        {
            var candidate = AdHocPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
            if (!state.State.Numbers.ContainsKey(candidate))
            {
                return candidate;
            }
        }
    }
}
