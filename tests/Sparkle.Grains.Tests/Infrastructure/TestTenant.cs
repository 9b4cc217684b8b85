using Sparkle.Grains.Identity;
using Sparkle.Grains.Tenants;

namespace Sparkle.Grains.Tests.Infrastructure;

/// <summary>A fresh tenant with one user per role: 1000 participant, 1001 owner, 1002 manager,
/// 1003 chair, 1004 member, 1005 member (each test makes its own tenant, so tests do not interfere).</summary>
public sealed class TestTenant
{
    public const string Password = "correct horse battery";

    private TestTenant(IGrainFactory grains, Guid id, string domain)
    {
        Grains = grains;
        Id = id;
        Domain = domain;
    }

    public IGrainFactory Grains { get; }
    public Guid Id { get; }
    public string Domain { get; }
    public Caller System => Caller.System(Id);
    public Caller Owner => User("1001");
    public Caller Manager => User("1002");
    public Caller Chair => User("1003");
    public Caller Member => User("1004");
    public Caller OtherMember => User("1005");
    public Caller Participant => User("1000");
    public ITenantGrain Tenant => Grains.GetGrain<ITenantGrain>(Id);

    public static readonly IReadOnlyDictionary<Role, string> NumberOfRole = new Dictionary<Role, string>
    {
        [Role.Participant] = "1000",
        [Role.Owner] = "1001",
        [Role.Manager] = "1002",
        [Role.Chair] = "1003",
        [Role.Member] = "1004",
    };

    public Caller User(string number) => Caller.User(Id, number);

    public Caller WithRole(Role role) => User(NumberOfRole[role]);

    public static async Task<TestTenant> CreateAsync(IGrainFactory grains, TenantPolicies? policies = null)
    {
        var id = Guid.NewGuid();
        var domain = $"t{id:N}.sparkle.test";
        var tenant = new TestTenant(grains, id, domain);
        await tenant.Tenant.CreateAsync(Caller.Operator, $"tenant-{id:N}", [domain], policies ?? new TenantPolicies());
        await tenant.AddUserAsync("1001", Role.Owner);
        await tenant.AddUserAsync("1002", Role.Manager);
        await tenant.AddUserAsync("1003", Role.Chair);
        await tenant.AddUserAsync("1004", Role.Member);
        await tenant.AddUserAsync("1005", Role.Member);
        await tenant.AddUserAsync("1000", Role.Participant);
        return tenant;
    }

    public Task<UserInfo> AddUserAsync(string number, Role role) =>
        Tenant.AddUserAsync(System, new UserSpec(number, $"User {number}", role, SipPassword: Password));
}
