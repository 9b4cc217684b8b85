using Sparkle.Grains.Plans;

namespace Sparkle.Grains.Internal;

/// <summary>Silo-internal face of the plan grain: becomes a shared copy owned by another operator.
/// Key: the new plan id.</summary>
public interface IPlanCopyGrain : IGrainWithGuidKey
{
    Task<MeetingPlanInfo> InitializeCopyAsync(Guid tenantId, string ownerNumber, MeetingPlanSpec spec, Guid copiedFrom);
}
