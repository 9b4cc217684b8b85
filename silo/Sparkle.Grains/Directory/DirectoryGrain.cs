using Sparkle.Grains.Identity;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Directory;

/// <summary>The enterprise directory of one tenant, synchronised from HR/OA systems by external id.</summary>
public sealed class DirectoryGrain(
    [PersistentState(stateName: "directory", storageName: SparkleStorage.Name)] IPersistentState<DirectoryState> state)
    : Grain, IDirectoryGrain
{
    private const int MaxContacts = 200_000;
    private const int MaxSearchResults = 1_000;

    private Guid TenantId => this.GetPrimaryKey();

    public async Task<IReadOnlyList<Department>> ListDepartmentsAsync(Caller caller)
    {
        await Access.DemandAsync(GrainFactory, TenantId, caller, Operation.ViewDirectory);
        return state.State.Departments.Values.OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public async Task<IReadOnlyList<Contact>> SearchAsync(Caller caller, string? search, int limit)
    {
        await Access.DemandAsync(GrainFactory, TenantId, caller, Operation.ViewDirectory);
        limit = Math.Clamp(limit, 1, MaxSearchResults);
        var term = search?.Trim();
        var query = state.State.Contacts.Values.AsEnumerable();
        if (!string.IsNullOrEmpty(term))
        {
            query = query.Where(c => ContactRules.Matches(c, term));
        }

        return query.OrderBy(c => c.DisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.ExternalId, StringComparer.Ordinal)
            .Take(limit).ToList();
    }

    public async Task<Contact?> GetContactAsync(Caller caller, string externalId)
    {
        await Access.DemandAsync(GrainFactory, TenantId, caller, Operation.ViewDirectory);
        return state.State.Contacts.GetValueOrDefault(externalId ?? "");
    }

    public async Task<Contact> UpsertContactAsync(Caller caller, Contact contact)
    {
        await Access.DemandAsync(GrainFactory, TenantId, caller, Operation.ManageDirectory);
        var (clean, error) = ContactRules.Clean(contact);
        if (clean is null)
        {
            throw new ValidationException(error!);
        }

        if (!state.State.Contacts.ContainsKey(clean.ExternalId) && state.State.Contacts.Count >= MaxContacts)
        {
            throw new ValidationException("The directory is full.");
        }

        state.State.Contacts[clean.ExternalId] = clean;
        await state.WriteStateAsync();
        return clean;
    }

    public async Task<bool> DeleteContactAsync(Caller caller, string externalId)
    {
        await Access.DemandAsync(GrainFactory, TenantId, caller, Operation.ManageDirectory);
        if (!state.State.Contacts.Remove(externalId ?? ""))
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    /// <summary>Idempotent: the same batch twice changes nothing the second time. The report counts
    /// contacts and departments together; refused entries are listed and change nothing.</summary>
    public async Task<DirectorySyncReport> SyncAsync(Caller caller, DirectorySyncBatch batch)
    {
        await Access.DemandAsync(GrainFactory, TenantId, caller, Operation.SyncDirectory);
        if (batch is null)
        {
            throw new ValidationException("An empty sync batch.");
        }

        int created = 0, updated = 0, deleted = 0, unchanged = 0;
        var rejected = new List<SyncRejection>();

        var departments = CleanDepartments(batch.Departments ?? [], rejected);
        var contacts = CleanContacts(batch.Contacts ?? [], rejected);

        Apply(state.State.Departments, departments, ref created, ref updated, ref unchanged);
        Apply(state.State.Contacts, contacts, ref created, ref updated, ref unchanged);

        if (batch.Mode == SyncMode.Full)
        {
            // The batch is the whole directory: what it leaves out goes (refused entries are kept as they were).
            var keepDepartments = departments.Keys.Concat(rejected.Select(r => r.ExternalId ?? "")).ToHashSet();
            deleted += RemoveWhere(state.State.Departments, id => !keepDepartments.Contains(id));
            var keepContacts = contacts.Keys.Concat(rejected.Select(r => r.ExternalId ?? "")).ToHashSet();
            deleted += RemoveWhere(state.State.Contacts, id => !keepContacts.Contains(id));
        }
        else
        {
            foreach (var id in batch.DeleteContactIds ?? [])
            {
                deleted += state.State.Contacts.Remove(id ?? "") ? 1 : 0;
            }

            foreach (var id in batch.DeleteDepartmentIds ?? [])
            {
                deleted += state.State.Departments.Remove(id ?? "") ? 1 : 0;
            }
        }

        if (state.State.Contacts.Count > MaxContacts)
        {
            // Roll back by re-reading the stored state: nothing of a refused batch sticks.
            await state.ReadStateAsync();
            throw new ValidationException($"The directory would exceed {MaxContacts} contacts.");
        }

        if (created + updated + deleted > 0)
        {
            state.State.LastSync = DateTimeOffset.UtcNow;
            await state.WriteStateAsync();
        }

        return new DirectorySyncReport(created, updated, deleted, unchanged, rejected);
    }

    private static Dictionary<string, Department> CleanDepartments(IReadOnlyList<Department> batch, List<SyncRejection> rejected)
    {
        var result = new Dictionary<string, Department>(batch.Count, StringComparer.Ordinal);
        foreach (var department in batch)
        {
            var id = department?.ExternalId?.Trim();
            var name = department?.Name?.Trim();
            if (string.IsNullOrEmpty(id) || id.Length > 128)
            {
                rejected.Add(new SyncRejection(id, "department: external id missing or too long"));
            }
            else if (string.IsNullOrEmpty(name) || name.Length > 200)
            {
                rejected.Add(new SyncRejection(id, "department: name missing or too long"));
            }
            else if (!result.TryAdd(id, new Department(id, name, string.IsNullOrWhiteSpace(department!.ParentExternalId) ? null : department.ParentExternalId.Trim())))
            {
                rejected.Add(new SyncRejection(id, "department: duplicate external id in the batch"));
            }
        }

        return result;
    }

    private static Dictionary<string, Contact> CleanContacts(IReadOnlyList<Contact> batch, List<SyncRejection> rejected)
    {
        var result = new Dictionary<string, Contact>(batch.Count, StringComparer.Ordinal);
        foreach (var contact in batch)
        {
            var (clean, error) = ContactRules.Clean(contact);
            if (clean is null)
            {
                rejected.Add(new SyncRejection(contact?.ExternalId, error ?? "invalid"));
            }
            else if (!result.TryAdd(clean.ExternalId, clean))
            {
                rejected.Add(new SyncRejection(clean.ExternalId, "duplicate external id in the batch"));
            }
        }

        return result;
    }

    private static void Apply<T>(Dictionary<string, T> target, Dictionary<string, T> batch, ref int created, ref int updated, ref int unchanged)
        where T : class
    {
        foreach (var (id, item) in batch)
        {
            if (!target.TryGetValue(id, out var existing))
            {
                created++;
            }
            else if (existing.Equals(item))
            {
                unchanged++;
                continue;
            }
            else
            {
                updated++;
            }

            target[id] = item;
        }
    }

    private static int RemoveWhere<T>(Dictionary<string, T> target, Func<string, bool> predicate)
    {
        var doomed = target.Keys.Where(predicate).ToList();
        foreach (var id in doomed)
        {
            target.Remove(id);
        }

        return doomed.Count;
    }
}
