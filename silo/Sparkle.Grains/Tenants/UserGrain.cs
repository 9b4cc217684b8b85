using Sparkle.Grains.Identity;
using Sparkle.Grains.Internal;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Tenants;

/// <summary>One user: the profile lives in the tenant grain (the source of roles), the digest and console
/// password hashes here.</summary>
public sealed class UserGrain(
    [PersistentState(stateName: "user", storageName: SparkleStorage.Name)] IPersistentState<UserState> state)
    : Grain, IUserGrain, IUserCredentialsGrain
{
    private (Guid TenantId, string Number) Key => Access.ParseUserKey(this.GetPrimaryKeyString());

    public async Task<UserInfo?> GetAsync(Caller caller)
    {
        var (tenantId, number) = Key;
        // Users may read themselves (JoinMeeting: the lowest right, every role has it); others take ViewUsers.
        var self = IsSelf(caller);
        await Access.DemandAsync(GrainFactory, tenantId, caller, self ? Operation.JoinMeeting : Operation.ViewUsers);
        return await GrainFactory.GetGrain<ITenantUsersGrain>(tenantId).FindUserAsync(number);
    }

    public Task<DigestCredentials?> GetDigestCredentialsAsync(Caller caller)
    {
        DemandPlatform(caller);
        return Task.FromResult(state.State.HasCredentials
            ? new DigestCredentials(state.State.Realm, state.State.Ha1Md5, state.State.Ha1Sha256)
            : null);
    }

    public async Task<Role?> VerifyConsolePasswordAsync(Caller caller, string password)
    {
        DemandPlatform(caller);
        var (tenantId, number) = Key;
        var user = await GrainFactory.GetGrain<ITenantUsersGrain>(tenantId).FindUserAsync(number);
        // The derivation runs whether or not there is a user or a hash: no timing difference.
        var stored = user is null ? null : state.State.ConsolePassword;
        if (!ConsolePasswords.Verify(password, stored) || user is null)
        {
            return null;
        }

        if (ConsolePasswords.NeedsUpgrade(stored!))
        {
            state.State.ConsolePassword = ConsolePasswords.Hash(password);
            await state.WriteStateAsync();
        }

        return user.Role;
    }

    public async Task ChangeConsolePasswordAsync(Caller caller, string currentPassword, string newPassword, Guid? keepSession)
    {
        var (tenantId, _) = Key;
        if (!IsSelf(caller))
        {
            // Others set passwords through the tenant (setUserPassword), never here.
            await Access.DemandAsync(GrainFactory, tenantId, caller, Operation.ViewUsers);
            throw new AccessDeniedException("Only the user changes their own password.");
        }

        await Access.DemandAsync(GrainFactory, tenantId, caller, Operation.JoinMeeting);
        if (!ConsolePasswords.Verify(currentPassword, state.State.ConsolePassword))
        {
            throw ValidationException.WithCode(ValidationCodes.InvalidPassword, "The current password is not right.");
        }

        if (ConsolePasswords.Weakness(newPassword) is { } weakness)
        {
            throw ValidationException.WithCode(ValidationCodes.PasswordTooWeak, weakness);
        }

        state.State.ConsolePassword = ConsolePasswords.Hash(newPassword);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IConsoleSessionGrain>(this.GetPrimaryKeyString()).RevokeAllAsync(keepSession);
    }

    public async Task SetCredentialsAsync(string realm, string ha1Md5, string ha1Sha256)
    {
        state.State.HasCredentials = true;
        state.State.Realm = realm;
        state.State.Ha1Md5 = ha1Md5;
        state.State.Ha1Sha256 = ha1Sha256;
        await state.WriteStateAsync();
    }

    public async Task SetConsolePasswordAsync(ConsolePasswordHash hash)
    {
        state.State.ConsolePassword = hash;
        await state.WriteStateAsync();
    }

    public async Task ClearAsync()
    {
        state.State = new UserState();
        await state.WriteStateAsync();
    }

    private bool IsSelf(Caller caller)
    {
        var (tenantId, number) = Key;
        return caller.Kind == CallerKind.User && caller.TenantId == tenantId && caller.UserNumber == number;
    }

    /// <summary>Credentials are for the platform's own components of the same tenant.</summary>
    private void DemandPlatform(Caller caller)
    {
        var (tenantId, _) = Key;
        if (caller.Kind == CallerKind.PlatformOperator || caller.TenantId != tenantId)
        {
            throw new NotFoundException("Not found.");
        }

        if (caller.Kind != CallerKind.System)
        {
            throw new AccessDeniedException("Only the platform reads credentials.");
        }
    }
}
