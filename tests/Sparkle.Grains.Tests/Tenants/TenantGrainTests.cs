using System.Security.Cryptography;
using System.Text;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Recordings;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Tenants;

[Collection(ClusterCollection.Name)]
public sealed class TenantGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task CreatedTenantIsFoundByNameAndDomain()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var registry = fixture.Grains.GetGrain<ITenantRegistryGrain>(0);

        Assert.Equal(t.Id, await registry.FindByDomainAsync(t.Domain.ToUpperInvariant()));
        Assert.Equal(t.Id, await registry.FindByNameAsync($"tenant-{t.Id:N}"));
        Assert.Contains(t.Id, await registry.ListAsync());
        var info = await t.Tenant.GetAsync(t.Member);
        Assert.Equal([t.Domain], info.SipDomains);
    }

    [Fact]
    public async Task DeletingATenantDestroysItsKeysEndsItsMeetingsAndLeavesOnlyNotFound()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var registry = fixture.Grains.GetGrain<ITenantRegistryGrain>(0);
        var keys = fixture.Grains.GetGrain<ITenantKeyGrain>(t.Id);
        var dataKey = await keys.GenerateDataKeyAsync();
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(t.Owner, new MeetingSpec("Running", []));
        await meeting.StartAsync(t.Owner);

        // Only the platform operator deletes a tenant; its own owner cannot.
        await Assert.ThrowsAsync<AccessDeniedException>(() => t.Tenant.DeleteAsync(t.Owner));
        Assert.Equal(dataKey.Plaintext, await keys.UnwrapAsync(dataKey.Wrapped));

        await t.Tenant.DeleteAsync(Caller.Operator);

        // Crypto-shredding: what was sealed under its keys can never be opened again.
        await Assert.ThrowsAsync<NotFoundException>(() => keys.UnwrapAsync(dataKey.Wrapped));
        Assert.Equal(MeetingStatus.Ended, (await meeting.GetAsync(t.System))!.Status);
        Assert.Null(await registry.FindByDomainAsync(t.Domain));
        Assert.Null(await registry.FindByNameAsync($"tenant-{t.Id:N}"));
        Assert.DoesNotContain(t.Id, await registry.ListAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => t.Tenant.GetAsync(Caller.Operator));
        await Assert.ThrowsAsync<NotFoundException>(() => t.Tenant.GetAsync(t.Owner));
        await Assert.ThrowsAsync<NotFoundException>(() => t.Tenant.GetRoleAsync("1001"));
        await Assert.ThrowsAsync<NotFoundException>(() => t.Tenant.DeleteAsync(Caller.Operator));

        // Its name and domain are free for a new tenant.
        var again = Guid.NewGuid();
        await fixture.Grains.GetGrain<ITenantGrain>(again).CreateAsync(Caller.Operator, $"tenant-{t.Id:N}", [t.Domain], new TenantPolicies());
        Assert.Equal(again, await registry.FindByDomainAsync(t.Domain));
    }

    [Fact]
    public async Task DomainOfAnotherTenantIsRefused()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var other = Guid.NewGuid();

        await Assert.ThrowsAsync<ValidationException>(() =>
            fixture.Grains.GetGrain<ITenantGrain>(other).CreateAsync(Caller.Operator, $"x-{other:N}", [t.Domain], new TenantPolicies()));
        Assert.Null(await fixture.Grains.GetGrain<ITenantRegistryGrain>(0).FindByNameAsync($"x-{other:N}"));
    }

    [Fact]
    public async Task DigestCredentialsAreHashesOfNumberRealmPassword()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var user = fixture.Grains.GetGrain<IUserGrain>(UserKey.For(t.Id, "1004"));

        var credentials = await user.GetDigestCredentialsAsync(t.System);

        Assert.NotNull(credentials);
        Assert.Equal(t.Domain, credentials.Realm);
        var a1 = Encoding.UTF8.GetBytes($"1004:{t.Domain}:{TestTenant.Password}");
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(a1)), credentials.Ha1Md5);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(a1)), credentials.Ha1Sha256);
        Assert.DoesNotContain(TestTenant.Password, credentials.ToString());
    }

    [Fact]
    public async Task OnlyTheSystemReadsDigestCredentials()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var user = fixture.Grains.GetGrain<IUserGrain>(UserKey.For(t.Id, "1004"));

        await Assert.ThrowsAsync<AccessDeniedException>(() => user.GetDigestCredentialsAsync(t.Owner));
        await Assert.ThrowsAsync<AccessDeniedException>(() => user.GetDigestCredentialsAsync(t.Member));
    }

    [Fact]
    public async Task UsersReadThemselvesButMembersCannotReadOthersWithoutViewUsers()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);

        var self = await fixture.Grains.GetGrain<IUserGrain>(UserKey.For(t.Id, "1000")).GetAsync(t.Participant);
        Assert.Equal(Role.Participant, self!.Role);
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            fixture.Grains.GetGrain<IUserGrain>(UserKey.For(t.Id, "1001")).GetAsync(t.Participant));
        var other = await fixture.Grains.GetGrain<IUserGrain>(UserKey.For(t.Id, "1001")).GetAsync(t.Member);
        Assert.Equal(Role.Owner, other!.Role);
    }

    [Fact]
    public async Task RoleChangeTakesEffectAtOnce()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        Assert.NotEmpty(await t.Tenant.ListUsersAsync(t.Member));

        await t.Tenant.SetUserRoleAsync(t.Manager, "1004", Role.Participant);

        await Assert.ThrowsAsync<AccessDeniedException>(() => t.Tenant.ListUsersAsync(t.Member));
        Assert.Equal(Role.Participant, await t.Tenant.GetRoleAsync("1004"));
    }

    [Fact]
    public async Task NobodyGrantsARoleAboveTheirOwn()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);

        await Assert.ThrowsAsync<AccessDeniedException>(() => t.Tenant.SetUserRoleAsync(t.Manager, "1004", Role.Owner));
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            t.Tenant.AddUserAsync(t.Manager, new UserSpec("2000", "New", Role.Owner)));
        Assert.Equal(Role.Member, await t.Tenant.GetRoleAsync("1004"));
    }

    [Fact]
    public async Task TheLastOwnerStays()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);

        await Assert.ThrowsAsync<ValidationException>(() => t.Tenant.SetUserRoleAsync(t.Owner, "1001", Role.Member));
        await Assert.ThrowsAsync<ValidationException>(() => t.Tenant.RemoveUserAsync(t.Owner, "1001"));
        Assert.Equal(Role.Owner, await t.Tenant.GetRoleAsync("1001"));
    }

    [Fact]
    public async Task RemovedUserLosesRoleAndCredentials()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);

        await t.Tenant.RemoveUserAsync(t.Manager, "1004");

        Assert.Null(await t.Tenant.GetRoleAsync("1004"));
        Assert.Null(await fixture.Grains.GetGrain<IUserGrain>(UserKey.For(t.Id, "1004")).GetDigestCredentialsAsync(t.System));
        await Assert.ThrowsAsync<AccessDeniedException>(() => t.Tenant.GetAsync(t.Member));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("12a4")]
    [InlineData("12345678901234567")]
    public async Task MalformedNumbersAreRefused(string number)
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);

        await Assert.ThrowsAsync<ValidationException>(() =>
            t.Tenant.AddUserAsync(t.System, new UserSpec(number, "Bad", Role.Member)));
    }
}
