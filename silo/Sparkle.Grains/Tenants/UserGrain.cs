using Sparkle.Grains.Identity;
using Sparkle.Grains.Internal;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Tenants;

/// <summary>One user: the profile lives in the tenant grain (the source of roles), the digest hashes here.</summary>
public sealed class UserGrain(
    [PersistentState(stateName: "user", storageName: SparkleStorage.Name)] IPersistentState<UserState> state)
    : Grain, IUserGrain, IUserCredentialsGrain
{
    private (Guid TenantId, string Number) Key => Access.ParseUserKey(this.GetPrimaryKeyString());

    public async Task<UserInfo?> GetAsync(Caller caller)
    {
        var (tenantId, number) = Key;
        // Users may read themselves (JoinMeeting: the lowest right, every role has it); others take ViewUsers.
        var self = caller.Kind == CallerKind.User && caller.TenantId == tenantId && caller.UserNumber == number;
        await Access.DemandAsync(GrainFactory, tenantId, caller, self ? Operation.JoinMeeting : Operation.ViewUsers);
        return await GrainFactory.GetGrain<ITenantUsersGrain>(tenantId).FindUserAsync(number);
    }

    public Task<DigestCredentials?> GetDigestCredentialsAsync(Caller caller)
    {
        var (tenantId, _) = Key;
        if (caller.Kind == CallerKind.PlatformOperator || caller.TenantId != tenantId)
        {
            throw new NotFoundException("Not found.");
        }

        if (caller.Kind != CallerKind.System)
        {
            throw new AccessDeniedException("Only the platform reads digest credentials.");
        }

        return Task.FromResult(state.State.HasCredentials
            ? new DigestCredentials(state.State.Realm, state.State.Ha1Md5, state.State.Ha1Sha256)
            : null);
    }

    public async Task SetCredentialsAsync(string realm, string ha1Md5, string ha1Sha256)
    {
        state.State = new UserState { HasCredentials = true, Realm = realm, Ha1Md5 = ha1Md5, Ha1Sha256 = ha1Sha256 };
        await state.WriteStateAsync();
    }

    public async Task ClearAsync()
    {
        state.State = new UserState();
        await state.WriteStateAsync();
    }
}
