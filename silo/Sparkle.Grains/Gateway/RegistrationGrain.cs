using Sparkle.Grains.Identity;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Gateway;

/// <summary>The REGISTER bindings of one user (RFC 3261 §10, RFC 5626 instance ids). Written by the
/// gateway (a system caller of the user's tenant); the user may read their own.</summary>
public sealed class RegistrationGrain(
    [PersistentState(stateName: "registration", storageName: SparkleStorage.Name)] IPersistentState<RegistrationState> state)
    : Grain, IRegistrationGrain
{
    private const int MaxBindings = 10;

    public async Task<IReadOnlyList<RegistrationBinding>> BindAsync(Caller caller, RegistrationBinding binding)
    {
        await DemandAsync(caller, write: true);
        ArgumentNullException.ThrowIfNull(binding);
        if (string.IsNullOrWhiteSpace(binding.ContactUri) || binding.ContactUri.Length > 1024)
        {
            throw new ValidationException("A binding needs a contact URI.");
        }

        var now = DateTimeOffset.UtcNow;
        var bindings = state.State.Bindings;
        bindings.RemoveAll(b => b.Expires <= now || b.ContactUri == binding.ContactUri
            || (binding.InstanceId is not null && b.InstanceId == binding.InstanceId));
        if (binding.Expires > now)
        {
            bindings.Add(binding);
            if (bindings.Count > MaxBindings)
            {
                // The binding closest to expiry gives way.
                bindings.Remove(bindings.MinBy(b => b.Expires)!);
            }
        }

        await state.WriteStateAsync();
        return bindings.ToList();
    }

    public async Task<IReadOnlyList<RegistrationBinding>> RemoveAllAsync(Caller caller)
    {
        await DemandAsync(caller, write: true);
        state.State.Bindings.Clear();
        await state.WriteStateAsync();
        return [];
    }

    public async Task<IReadOnlyList<RegistrationBinding>> GetBindingsAsync(Caller caller)
    {
        await DemandAsync(caller, write: false);
        var now = DateTimeOffset.UtcNow;
        return state.State.Bindings.Where(b => b.Expires > now).ToList();
    }

    private async Task DemandAsync(Caller caller, bool write)
    {
        var (tenantId, number) = Access.ParseUserKey(this.GetPrimaryKeyString());
        var grant = await Access.DemandAsync(GrainFactory, tenantId, caller, Operation.JoinMeeting);
        if (grant.IsSystem)
        {
            return;
        }

        if (write || !grant.IsUser || caller.UserNumber != number)
        {
            throw new AccessDeniedException("Registrations are written by the SIP gateway.");
        }
    }
}
