using Sparkle.Grains.Identity;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Directory;

/// <summary>One user's own address book: only that user reads or changes it.</summary>
public sealed class PersonalContactsGrain(
    [PersistentState(stateName: "personal-contacts", storageName: SparkleStorage.Name)] IPersistentState<PersonalContactsState> state)
    : Grain, IPersonalContactsGrain
{
    private const int MaxContacts = 5_000;

    public async Task<IReadOnlyList<Contact>> ListAsync(Caller caller)
    {
        await DemandOwnerAsync(caller);
        return state.State.Contacts.Values.OrderBy(c => c.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public async Task<Contact> UpsertAsync(Caller caller, Contact contact)
    {
        await DemandOwnerAsync(caller);
        var (clean, error) = ContactRules.Clean(contact, requireExternalId: false);
        if (clean is null)
        {
            throw new ValidationException(error!);
        }

        if (clean.ExternalId.Length == 0)
        {
            clean = clean with { ExternalId = Guid.NewGuid().ToString("N") };
        }

        if (!state.State.Contacts.ContainsKey(clean.ExternalId) && state.State.Contacts.Count >= MaxContacts)
        {
            throw new ValidationException($"At most {MaxContacts} personal contacts.");
        }

        state.State.Contacts[clean.ExternalId] = clean;
        await state.WriteStateAsync();
        return clean;
    }

    public async Task<bool> DeleteAsync(Caller caller, string externalId)
    {
        await DemandOwnerAsync(caller);
        if (!state.State.Contacts.Remove(externalId ?? ""))
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    /// <summary>Only the owning user; anyone else (other users, platform components) finds nothing.</summary>
    private async Task DemandOwnerAsync(Caller caller)
    {
        var (tenantId, number) = Access.ParseUserKey(this.GetPrimaryKeyString());
        var grant = await Access.DemandAsync(GrainFactory, tenantId, caller, Operation.ManageOwnContacts);
        if (!grant.IsUser || caller.UserNumber != number)
        {
            throw new NotFoundException("Not found.");
        }
    }
}
