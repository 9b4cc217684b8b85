using Sparkle.Grains.Identity;

namespace Sparkle.Grains.Plans;

/// <summary>A stored meeting template. Key: the plan id.</summary>
public interface IMeetingPlanGrain : IGrainWithGuidKey
{
    Task<MeetingPlanInfo> CreateAsync(Caller caller, MeetingPlanSpec spec);
    Task<MeetingPlanInfo?> GetAsync(Caller caller);
    Task<MeetingPlanInfo> UpdateAsync(Caller caller, MeetingPlanSpec spec);
    Task DeleteAsync(Caller caller);
    /// <summary>Gives each operator an independent copy they own; returns the copies.</summary>
    Task<IReadOnlyList<MeetingPlanInfo>> ShareAsync(Caller caller, IReadOnlyList<string> operatorNumbers);
}

/// <summary>Per-tenant index of plans and meetings, and the conference-number allocator.
/// Key: the tenant id.</summary>
public interface ITenantCatalogGrain : IGrainWithGuidKey
{
    Task AddPlanAsync(Guid planId, string ownerNumber);
    Task RemovePlanAsync(Guid planId);
    /// <summary>Plans visible to the caller: their own, or all for roles with ViewAnyPlan.</summary>
    Task<IReadOnlyList<Guid>> ListPlansAsync(Caller caller);

    /// <summary>Registers a meeting and returns its conference number (the user part of its SIP URI).</summary>
    Task<string> AddMeetingAsync(Guid meetingId, bool adHoc);
    Task RemoveMeetingAsync(Guid meetingId);
    Task<IReadOnlyList<Guid>> ListMeetingsAsync(Caller caller);
    /// <summary>Finds a meeting by its conference number or ad-hoc conference id.</summary>
    Task<Guid?> FindMeetingAsync(string conferenceUserPart);
    /// <summary>Nothing but activation: a catalog older than the listing index fills it when it activates.</summary>
    Task EnsureListedAsync();
}
