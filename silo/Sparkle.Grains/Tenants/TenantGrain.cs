using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Serialization.Invocation;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Internal;
using Sparkle.Grains.Listings;
using Sparkle.Grains.Security;

namespace Sparkle.Grains.Tenants;

/// <summary>One tenant and its users. Role look-ups interleave with everything else: every grain of the
/// tenant asks for roles, also while this grain waits on one of them.</summary>
[MayInterleave(nameof(IsReadOnlyLookup))]
public sealed class TenantGrain(
    [PersistentState(stateName: "tenant", storageName: SparkleStorage.Name)] IPersistentState<TenantState> state,
    ILogger<TenantGrain> logger)
    : Grain, ITenantGrain, ITenantUsersGrain
{
    private const int MaxUsers = 100_000;

    private const int ListingBatch = 1_000;

    private Guid TenantId => this.GetPrimaryKey();

    private IListingIndex Index => ServiceProvider.ListingIndex();

    /// <summary>A tenant kept before the listing index existed fills it once.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.State.Exists || state.State.UsersListed)
        {
            return;
        }

        try
        {
            foreach (var chunk in state.State.Users.Values.Chunk(ListingBatch))
            {
                await Index.SetUsersAsync(TenantId, chunk.Select(ToListing).ToList());
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Roles must keep working without the index: the next activation tries again.
            logger.LogWarning(e, "Tenant {TenantId}: could not fill the listing index", TenantId);
            return;
        }

        state.State.UsersListed = true;
        await state.WriteStateAsync();
    }

    public static bool IsReadOnlyLookup(IInvokable request) =>
        request.GetMethodName() is nameof(GetRoleAsync) or nameof(FindUserAsync) or nameof(FindTenantAsync) or nameof(GetPublicBrandingAsync);

    public async Task<TenantInfo> CreateAsync(Caller caller, string name, IReadOnlyList<string> sipDomains, TenantPolicies policies)
    {
        // Only the platform operator creates tenants (seeding acts as the operator).
        await Access.DemandAsync(TenantId, caller, Operation.ManageTenants, RoleOfAsync);
        if (state.State.Exists)
        {
            throw new ValidationException("The tenant already exists.");
        }

        var cleanName = Validate.Text(name, "Name", 100);
        if (sipDomains is not { Count: > 0 })
        {
            throw new ValidationException("A tenant needs at least one SIP domain.");
        }

        var domains = sipDomains.Select(d => Validate.SipDomain(d)).Distinct().ToList();
        ValidatePolicies(policies);

        // The registry refuses names and domains held by another tenant.
        await GrainFactory.GetGrain<ITenantRegistryGrain>(0).RegisterAsync(TenantId, cleanName, domains);

        state.State = new TenantState
        {
            Exists = true,
            Name = cleanName,
            SipDomains = domains,
            Policies = policies,
            CreatedAt = DateTimeOffset.UtcNow,
            UsersListed = true,
        };
        await state.WriteStateAsync();
        return ToInfo();
    }

    public async Task<TenantInfo> GetAsync(Caller caller)
    {
        await DemandAsync(caller, Operation.ViewTenant);
        return ToInfo();
    }

    public async Task DeleteAsync(Caller caller)
    {
        await Access.DemandAsync(TenantId, caller, Operation.ManageTenants, RoleOfAsync);
        if (!state.State.Exists)
        {
            throw new NotFoundException("No such tenant.");
        }

        // Meetings end first, so that no recording asks for a data key (which would make a new tenant key) after
        // the keys are destroyed.
        var system = Caller.System(TenantId);
        foreach (var meetingId in await GrainFactory.GetGrain<Plans.ITenantCatalogGrain>(TenantId).ListMeetingsAsync(system))
        {
            try
            {
                await GrainFactory.GetGrain<Meetings.IMeetingGrain>(meetingId).EndAsync(system);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning(e, "Tenant {TenantId}: could not end meeting {MeetingId} while deleting the tenant", TenantId, meetingId);
            }
        }

        // Crypto-shredding: once the key-encryption keys are gone, no recording or utterance of the tenant can be
        // decrypted again, even from copied blobs. Whatever fails after this, deleting again finishes the rest.
        await GrainFactory.GetGrain<Recordings.ITenantKeyGrain>(TenantId).ForgetAsync();

        await GrainFactory.GetGrain<ITenantRegistryGrain>(0).UnregisterAsync(TenantId);
        logger.LogInformation("Tenant {TenantId} ({Name}) deleted: keys destroyed, meetings ended, name and domains freed", TenantId, state.State.Name);
        await state.ClearStateAsync();
        state.State = new TenantState();
    }

    public async Task<TenantInfo> UpdatePoliciesAsync(Caller caller, TenantPolicies policies)
    {
        await DemandAsync(caller, Operation.ManageTenantPolicies);
        ValidatePolicies(policies);
        state.State.Policies = policies;
        await state.WriteStateAsync();
        return ToInfo();
    }

    public async Task RotateRecordingKeyAsync(Caller caller, bool forgetOld)
    {
        await DemandAsync(caller, Operation.RotateRecordingKey);
        await GrainFactory.GetGrain<Recordings.ITenantKeyGrain>(TenantId).RotateAsync(forgetOld);
    }

    public async Task<UserInfo> AddUserAsync(Caller caller, UserSpec user) =>
        (await AddUsersAsync(caller, [user]))[0];

    /// <summary>Adds users in one write of the tenant (imports of thousands); all or none.</summary>
    public async Task<IReadOnlyList<UserInfo>> AddUsersAsync(Caller caller, IReadOnlyList<UserSpec> users)
    {
        var grant = await DemandAsync(caller, Operation.ManageUsers);
        ArgumentNullException.ThrowIfNull(users);
        var records = new Dictionary<string, UserRecord>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            var record = NewUser(grant, user);
            if (state.State.Users.ContainsKey(record.Number) || !records.TryAdd(record.Number, record))
            {
                throw new ValidationException($"User {record.Number} already exists.");
            }
        }

        if (state.State.Users.Count + records.Count > MaxUsers)
        {
            throw new ValidationException("The tenant has reached its user limit.");
        }

        foreach (var user in users.Where(u => !string.IsNullOrEmpty(u.SipPassword)))
        {
            if (user.SipPassword!.Length is < 8 or > 128)
            {
                throw new ValidationException("SIP passwords are 8 to 128 characters.");
            }
        }

        // Console passwords are checked and hashed before anything is stored (PASSWORD_TOO_WEAK refuses the batch).
        var consoleHashes = users.Where(u => u.ConsolePassword is not null)
            .Select(u => (Number: Validate.Extension(u.Number), Hash: HashConsolePassword(u.ConsolePassword!))).ToList();

        foreach (var user in users.Where(u => !string.IsNullOrEmpty(u.SipPassword)))
        {
            // Only the hashes leave this method; realm = the tenant's first SIP domain.
            var number = Validate.Extension(user.Number);
            var realm = state.State.SipDomains[0];
            await GrainFactory.GetGrain<IUserCredentialsGrain>(UserKey.For(TenantId, number)).SetCredentialsAsync(
                realm,
                DigestHash.Ha1Md5(number, realm, user.SipPassword!),
                DigestHash.Ha1Sha256(number, realm, user.SipPassword!));
        }

        foreach (var (number, hash) in consoleHashes)
        {
            await GrainFactory.GetGrain<IUserCredentialsGrain>(UserKey.For(TenantId, number)).SetConsolePasswordAsync(hash);
        }

        foreach (var record in records.Values)
        {
            state.State.Users[record.Number] = record;
        }

        await state.WriteStateAsync();
        await Index.SetUsersAsync(TenantId, records.Values.Select(ToListing).ToList());
        return records.Values.Select(ToInfo).ToList();
    }

    private UserRecord NewUser(Grant grant, UserSpec user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var number = Validate.Extension(user.Number);
        Validate.Role(user.Role);
        if (!grant.AtLeast(user.Role))
        {
            throw new AccessDeniedException("Nobody may grant a role above their own.");
        }

        return new UserRecord
        {
            Number = number,
            DisplayName = Validate.Text(user.DisplayName, "Display name", 200),
            Role = user.Role,
            Mobile = OptionalNumber(user.Mobile, "Mobile"),
            Landline = OptionalNumber(user.Landline, "Landline"),
            Email = Validate.OptionalText(user.Email, "E-mail", 254),
        };
    }

    /// <summary>The users of these numbers that exist, in the order asked (a page's details).</summary>
    public async Task<IReadOnlyList<UserInfo>> GetUsersAsync(Caller caller, IReadOnlyList<string> numbers)
    {
        await DemandAsync(caller, Operation.ViewUsers);
        return numbers.Select(n => state.State.Users.GetValueOrDefault(n ?? "")).OfType<UserRecord>().Select(ToInfo).ToList();
    }

    public async Task RemoveUserAsync(Caller caller, string number)
    {
        var grant = await DemandAsync(caller, Operation.ManageUsers);
        if (!state.State.Users.TryGetValue(number ?? "", out var record))
        {
            throw new NotFoundException($"No user {number}.");
        }

        if (!grant.AtLeast(record.Role))
        {
            throw new AccessDeniedException("Nobody may remove a user above their own role.");
        }

        EnsureAnotherOwner(record, Role.Member);
        state.State.Users.Remove(record.Number);
        await state.WriteStateAsync();
        await Index.RemoveUserAsync(TenantId, record.Number);
        await GrainFactory.GetGrain<IUserCredentialsGrain>(UserKey.For(TenantId, record.Number)).ClearAsync();
    }

    public async Task<IReadOnlyList<UserInfo>> ListUsersAsync(Caller caller)
    {
        await DemandAsync(caller, Operation.ViewUsers);
        return state.State.Users.Values.OrderBy(u => u.Number, StringComparer.Ordinal).Select(ToInfo).ToList();
    }

    public async Task<UserInfo> SetUserRoleAsync(Caller caller, string number, Role role)
    {
        var grant = await DemandAsync(caller, Operation.ChangeRoles);
        Validate.Role(role);
        if (!state.State.Users.TryGetValue(number ?? "", out var record))
        {
            throw new NotFoundException($"No user {number}.");
        }

        if (!grant.AtLeast(role) || !grant.AtLeast(record.Role))
        {
            throw new AccessDeniedException("Nobody may change roles above their own.");
        }

        EnsureAnotherOwner(record, role);
        record.Role = role;
        await state.WriteStateAsync();
        await Index.SetUsersAsync(TenantId, [ToListing(record)]);
        return ToInfo(record);
    }

    public async Task SetUserPasswordAsync(Caller caller, string number, string password)
    {
        var grant = await DemandAsync(caller, Operation.SetUserPassword);
        if (!state.State.Users.TryGetValue(number ?? "", out var record))
        {
            throw new NotFoundException($"No user {number}.");
        }

        if (!grant.AtLeast(record.Role))
        {
            throw new AccessDeniedException("Nobody may set the password of a user above their own role.");
        }

        var key = UserKey.For(TenantId, record.Number);
        await GrainFactory.GetGrain<IUserCredentialsGrain>(key).SetConsolePasswordAsync(HashConsolePassword(password));
        await GrainFactory.GetGrain<IConsoleSessionGrain>(key).RevokeAllAsync(except: null);
    }

    public async Task<TenantBranding> GetBrandingAsync(Caller caller)
    {
        await DemandAsync(caller, Operation.ViewTenant);
        return state.State.Branding ?? TenantBranding.Default;
    }

    public async Task<TenantBranding> SetBrandingAsync(Caller caller, TenantBranding branding)
    {
        await DemandAsync(caller, Operation.ManageBranding);
        var clean = BrandingRules.Validate(branding);
        state.State.Branding = clean;
        await state.WriteStateAsync();
        return clean;
    }

    public Task<TenantBranding> GetPublicBrandingAsync() =>
        Task.FromResult(state.State.Exists ? state.State.Branding ?? TenantBranding.Default : TenantBranding.Default);

    /// <summary>Null for a number that is not a user; a tenant that does not exist (or was deleted) is not found, so
    /// a token of a deleted tenant gets "not found" from every grain, never "forbidden".</summary>
    public Task<Role?> GetRoleAsync(string number) =>
        state.State.Exists ? RoleOfAsync(number) : throw new NotFoundException("No such tenant.");

    public Task<UserInfo?> FindUserAsync(string number) =>
        Task.FromResult(state.State.Exists && state.State.Users.TryGetValue(number ?? "", out var record) ? ToInfo(record) : null);

    public Task<TenantInfo?> FindTenantAsync() => Task.FromResult(state.State.Exists ? ToInfo() : null);

    private Task<Role?> RoleOfAsync(string number) =>
        Task.FromResult<Role?>(state.State.Exists && state.State.Users.TryGetValue(number ?? "", out var record) ? record.Role : null);

    private static UserListing ToListing(UserRecord record) => new(record.Number, record.DisplayName, record.Role);

    private async Task<Grant> DemandAsync(Caller caller, Operation operation)
    {
        // A tenant that does not exist (or was deleted) is not found for everyone, before any rights are weighed.
        if (!state.State.Exists)
        {
            throw new NotFoundException("No such tenant.");
        }

        return await Access.DemandAsync(TenantId, caller, operation, RoleOfAsync);
    }

    /// <summary>A tenant always keeps one owner.</summary>
    private void EnsureAnotherOwner(UserRecord changed, Role newRole)
    {
        if (changed.Role == Role.Owner && newRole != Role.Owner
            && !state.State.Users.Values.Any(u => u.Role == Role.Owner && u.Number != changed.Number))
        {
            throw new ValidationException("The tenant's last owner cannot be removed or demoted.");
        }
    }

    private static void ValidatePolicies(TenantPolicies? policies)
    {
        if (policies is null)
        {
            throw new ValidationException("Policies are required.");
        }

        Validate.Role(policies.DialOutMinimumRole);
        Validate.Role(policies.RecordingExportMinimumRole);
        if (policies.RecordingRetentionDays is < 0 or > 36_500)
        {
            throw new ValidationException("Recording retention is 0 (keep) to 36500 days.");
        }
        if (DialOutPatterns.Problem(policies.DialOutPatterns) is { } problem)
        {
            throw new ValidationException(problem);
        }
    }

    private static ConsolePasswordHash HashConsolePassword(string password) =>
        ConsolePasswords.Weakness(password) is { } weakness
            ? throw ValidationException.WithCode(ValidationCodes.PasswordTooWeak, weakness)
            : ConsolePasswords.Hash(password);

    private static string? OptionalNumber(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? null : Validate.Dialable(value.Trim(), field);

    private TenantInfo ToInfo() =>
        new(TenantId, state.State.Name, state.State.SipDomains.ToList(), state.State.Policies, state.State.CreatedAt);

    private UserInfo ToInfo(UserRecord r) => new(TenantId, r.Number, r.DisplayName, r.Role, r.Mobile, r.Landline, r.Email);
}
