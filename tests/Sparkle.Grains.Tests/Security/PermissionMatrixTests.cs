using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Security;

/// <summary>Every tenant role against every guarded operation, through real grain calls: a call goes
/// through exactly when <see cref="Permissions"/> says so.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PermissionMatrixTests(ClusterFixture fixture)
{
    public static TheoryData<Operation, Role> Cases()
    {
        var data = new TheoryData<Operation, Role>();
        foreach (var operation in GuardedOperation.All.Select(o => o.Operation))
        {
            foreach (var role in Enum.GetValues<Role>())
            {
                data.Add(operation, role);
            }
        }

        return data;
    }

    [Fact]
    public void EveryOperationHasAGuardedCall()
    {
        var covered = GuardedOperation.All.Select(o => o.Operation).ToHashSet();
        Assert.Equal(Enum.GetValues<Operation>().Length, covered.Count);
        Assert.All(Enum.GetValues<Operation>(), o => Assert.Contains(o, covered));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task UserRoleIsAllowedExactlyWhenTheMatrixSaysSo(Operation operation, Role role)
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var guarded = GuardedOperation.All.Single(o => o.Operation == operation);
        var caller = guarded.PrepareCaller is null ? t.WithRole(role) : await guarded.PrepareCaller(t, role);

        var error = await Record.ExceptionAsync(() => guarded.Act(t, caller));

        if (Permissions.Allows(role, operation))
        {
            Assert.Null(error);
        }
        else
        {
            Assert.IsType<AccessDeniedException>(error);
        }
    }

    [Theory]
    [InlineData(CallerKind.System)]
    [InlineData(CallerKind.DirectorySync)]
    public async Task PlatformCallersOfTheTenantFollowTheirRights(CallerKind kind)
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var caller = new Caller(t.Id, null, kind);
        foreach (var guarded in GuardedOperation.All.Where(o => o.PrepareCaller is null && o.Operation != Operation.ManageOwnContacts))
        {
            var error = await Record.ExceptionAsync(() => guarded.Act(t, caller));
            if (Permissions.Allows(kind, guarded.Operation))
            {
                // Allowed, though a plan still needs a user to own it: the input is refused, not the caller.
                Assert.True(error is null || (error is ValidationException && guarded.Operation == Operation.CreatePlan), $"{kind} {guarded.Operation}: {error}");
            }
            else
            {
                Assert.True(error is AccessDeniedException, $"{kind} {guarded.Operation}: expected denial, got {error?.GetType().Name ?? "success"}");
            }
        }
    }

    [Fact]
    public async Task ThePlatformOperatorAdministersTenantsButReadsNoContent()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        foreach (var guarded in GuardedOperation.All.Where(o => o.PrepareCaller is null && o.Operation != Operation.ManageOwnContacts))
        {
            var error = await Record.ExceptionAsync(() => guarded.Act(t, Caller.Operator));
            if (Permissions.Allows(CallerKind.PlatformOperator, guarded.Operation))
            {
                Assert.True(error is null, $"operator {guarded.Operation}: {error}");
            }
            else
            {
                Assert.True(error is AccessDeniedException or NotFoundException, $"operator {guarded.Operation}: got {error?.GetType().Name ?? "success"}");
            }
        }
    }

    [Fact]
    public async Task AMemberWhoChairsAMeetingControlsThatMeetingOnly()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var chaired = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await chaired.CreateAsync(t.System, new MeetingSpec("Chaired", [new PlannedParticipant("1004", MeetingRole: Role.Chair), new PlannedParticipant("1005")]));
        var other = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await other.CreateAsync(t.System, new MeetingSpec("Other", [new PlannedParticipant("1005")]));

        await chaired.SetLockedAsync(t.Member, true);
        await Assert.ThrowsAsync<AccessDeniedException>(() => other.SetLockedAsync(t.Member, true));
        Assert.True((await chaired.GetAsync(t.Member))!.Locked);
    }

    [Fact]
    public async Task AChairDemotedMidMeetingLosesControlAtOnce()
    {
        var t = await TestTenant.CreateAsync(fixture.Grains);
        var meeting = fixture.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());
        await meeting.CreateAsync(t.System, new MeetingSpec("Board", [new PlannedParticipant("1005")]));
        await meeting.SetLockedAsync(t.Chair, true);

        await t.Tenant.SetUserRoleAsync(t.Manager, "1003", Role.Member);

        await Assert.ThrowsAsync<AccessDeniedException>(() => meeting.SetLockedAsync(t.Chair, false));
    }
}
