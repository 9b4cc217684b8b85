using Sparkle.Grains.Identity;
using Sparkle.Grains.Internal;
using Sparkle.Grains.Security;
using Sparkle.Grains.Tenants;

namespace Sparkle.Grains.Plans;

/// <summary>A stored meeting template owned by one operator.</summary>
public sealed class MeetingPlanGrain(
    [PersistentState(stateName: "plan", storageName: SparkleStorage.Name)] IPersistentState<MeetingPlanState> state)
    : Grain, IMeetingPlanGrain, IPlanCopyGrain
{
    private const int MaxShares = 100;

    public async Task<MeetingPlanInfo> CreateAsync(Caller caller, MeetingPlanSpec spec)
    {
        if (state.State.Info is not null)
        {
            // Exists: only its tenant may learn that.
            await Access.DemandAsync(GrainFactory, state.State.Info.TenantId, caller, Operation.CreatePlan);
            throw new ValidationException("The plan already exists.");
        }

        var grant = await Access.DemandAsync(GrainFactory, caller.TenantId, caller, Operation.CreatePlan);
        if (!grant.IsUser)
        {
            throw new ValidationException("A plan is owned by a user.");
        }

        return await StoreNewAsync(caller.TenantId, caller.UserNumber!, PlanRules.Spec(spec), copiedFrom: null);
    }

    public async Task<MeetingPlanInfo?> GetAsync(Caller caller)
    {
        var info = state.State.Info;
        if (info is null)
        {
            return null;
        }

        await DemandAsync(caller, info, Operation.ViewAnyPlan, Operation.CreatePlan);
        return info;
    }

    public async Task<MeetingPlanInfo> UpdateAsync(Caller caller, MeetingPlanSpec spec)
    {
        var info = state.State.Info ?? throw new NotFoundException("No such plan.");
        await DemandAsync(caller, info, Operation.EditAnyPlan, Operation.EditOwnPlan);
        var updated = info with { Spec = PlanRules.Spec(spec), UpdatedAt = DateTimeOffset.UtcNow };
        state.State.Info = updated;
        await state.WriteStateAsync();
        return updated;
    }

    public async Task DeleteAsync(Caller caller)
    {
        var info = state.State.Info ?? throw new NotFoundException("No such plan.");
        await DemandAsync(caller, info, Operation.EditAnyPlan, Operation.EditOwnPlan);
        await GrainFactory.GetGrain<ITenantCatalogGrain>(info.TenantId).RemovePlanAsync(info.Id);
        await state.ClearStateAsync();
        state.State = new MeetingPlanState();
        DeactivateOnIdle();
    }

    public async Task<IReadOnlyList<MeetingPlanInfo>> ShareAsync(Caller caller, IReadOnlyList<string> operatorNumbers)
    {
        var info = state.State.Info ?? throw new NotFoundException("No such plan.");
        await DemandAsync(caller, info, Operation.ViewAnyPlan, Operation.SharePlan);
        if (operatorNumbers is null || operatorNumbers.Count == 0 || operatorNumbers.Count > MaxShares)
        {
            throw new ValidationException($"Share with 1 to {MaxShares} operators.");
        }

        // Every operator must be a user of the tenant who may own plans.
        var tenant = GrainFactory.GetGrain<ITenantGrain>(info.TenantId);
        var numbers = operatorNumbers.Select(n => n?.Trim() ?? "").Distinct().ToList();
        foreach (var number in numbers)
        {
            var role = await tenant.GetRoleAsync(number);
            if (role is not { } r || !Permissions.Allows(r, Operation.CreatePlan))
            {
                throw new ValidationException($"{number} is not an operator of this tenant.");
            }
        }

        var copies = new List<MeetingPlanInfo>(numbers.Count);
        foreach (var number in numbers)
        {
            copies.Add(await GrainFactory.GetGrain<IPlanCopyGrain>(Guid.NewGuid())
                .InitializeCopyAsync(info.TenantId, number, info.Spec, info.Id));
        }

        return copies;
    }

    public Task<MeetingPlanInfo> InitializeCopyAsync(Guid tenantId, string ownerNumber, MeetingPlanSpec spec, Guid copiedFrom) =>
        state.State.Info is null
            ? StoreNewAsync(tenantId, ownerNumber, spec, copiedFrom)
            : throw new ValidationException("The plan already exists.");

    private async Task<MeetingPlanInfo> StoreNewAsync(Guid tenantId, string ownerNumber, MeetingPlanSpec spec, Guid? copiedFrom)
    {
        var now = DateTimeOffset.UtcNow;
        var info = new MeetingPlanInfo(this.GetPrimaryKey(), tenantId, ownerNumber, spec, copiedFrom, now, now);
        await GrainFactory.GetGrain<ITenantCatalogGrain>(tenantId).AddPlanAsync(info.Id, ownerNumber);
        state.State.Info = info;
        await state.WriteStateAsync();
        return info;
    }

    /// <summary>Anyone with <paramref name="anyPlan"/>; the owner with <paramref name="ownPlan"/>;
    /// platform components of the tenant. Others are told the plan does not exist.</summary>
    private async Task DemandAsync(Caller caller, MeetingPlanInfo info, Operation anyPlan, Operation ownPlan)
    {
        var isOwner = caller.Kind == CallerKind.User && caller.UserNumber == info.OwnerNumber;
        var grant = await Access.DemandAsync(GrainFactory, info.TenantId, caller, isOwner ? ownPlan : anyPlan);
        if (!isOwner && !grant.IsSystem && !grant.IsUser)
        {
            throw new NotFoundException("No such plan.");
        }
    }
}
