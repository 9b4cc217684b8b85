using Sparkle.Grains.Directory;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.Grains.Plans;
using Sparkle.Grains.Recordings;
using Sparkle.Grains.Tenants;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Security;

/// <summary>One real grain call per guarded operation, each guarded by exactly that operation.
/// <see cref="PrepareCaller"/> builds the caller for operations on one's own things (a plan the caller
/// owns), else the caller is the user holding the role under test.</summary>
public sealed record GuardedOperation(
    Operation Operation,
    Func<TestTenant, Caller, Task> Act,
    Func<TestTenant, Role, Task<Caller>>? PrepareCaller = null)
{
    private static readonly MeetingPlanSpec s_plan = new("Weekly", [new PlannedParticipant("1005")]);

    /// <summary>The usage ledger is PostgreSQL, which this cluster has not: past the rights check the grain says so, which
    /// counts as allowed here (the ledger's own tests run on PostgreSQL).</summary>
    private static async Task UsageAsync(TestTenant t, Caller c)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        try
        {
            await t.Grains.GetGrain<Sparkle.Grains.Usage.IUsageGrain>(t.Id).DailyAsync(c, today, today);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("no usage ledger", StringComparison.Ordinal))
        {
        }
    }

    public static readonly IReadOnlyList<GuardedOperation> All =
    [
        new(Operation.ViewTenant, (t, c) => t.Tenant.GetAsync(c)),
        new(Operation.ViewUsage, UsageAsync),
        new(Operation.ManageTenantPolicies, (t, c) => t.Tenant.UpdatePoliciesAsync(c, new TenantPolicies())),
        new(Operation.ViewUsers, (t, c) => t.Tenant.ListUsersAsync(c)),
        new(Operation.ManageUsers, (t, c) => t.Tenant.AddUserAsync(c, new UserSpec("3000", "New", Role.Participant))),
        new(Operation.ChangeRoles, (t, c) => t.Tenant.SetUserRoleAsync(c, "1005", Role.Member)),
        new(Operation.SetUserPassword, (t, c) => t.Tenant.SetUserPasswordAsync(c, "1005", "a long enough password")),
        new(Operation.ManageBranding, (t, c) => t.Tenant.SetBrandingAsync(c, TenantBranding.Default)),
        new(Operation.ViewDirectory, (t, c) => Directory(t).SearchAsync(c, null, 10)),
        new(Operation.ManageDirectory, (t, c) => Directory(t).UpsertContactAsync(c, new Contact("e1", "Eve", null, "2001", null, null, null, null))),
        new(Operation.SyncDirectory, (t, c) => Directory(t).SyncAsync(c, new DirectorySyncBatch(SyncMode.Delta, [], []))),
        new(Operation.ManageOwnContacts, (t, c) => t.Grains.GetGrain<IPersonalContactsGrain>(UserKey.For(t.Id, c.UserNumber ?? "1004")).ListAsync(c)),
        new(Operation.CreatePlan, (t, c) => NewPlan(t).CreateAsync(c, s_plan)),
        new(Operation.EditOwnPlan, (t, c) => PlanOf(t).UpdateAsync(c, s_plan with { Title = "Edited" }), OwnPlanCallerAsync),
        new(Operation.EditAnyPlan, async (t, c) => await (await OthersPlanAsync(t)).UpdateAsync(c, s_plan with { Title = "Edited" })),
        new(Operation.ViewAnyPlan, async (t, c) => await (await OthersPlanAsync(t)).GetAsync(c)),
        new(Operation.SharePlan, (t, c) => PlanOf(t).ShareAsync(c, ["1004"]), OwnPlanCallerAsync),
        new(Operation.CreateMeeting, (t, c) => NewMeeting(t).CreateAsync(c, new MeetingSpec("Ad hoc", []))),
        new(Operation.StartMeeting, async (t, c) => await (await SystemMeetingAsync(t)).StartAsync(c)),
        new(Operation.JoinMeeting, async (t, c) => Refused(await (await SystemMeetingAsync(t)).JoinAsync(c, Join(c)))),
        new(Operation.ViewMeeting, async (t, c) => await (await SystemMeetingAsync(t)).GetAsync(c)),
        new(Operation.EndMeeting, async (t, c) => await (await SystemMeetingAsync(t)).EndAsync(c)),
        new(Operation.DeleteMeeting, async (t, c) => await (await SystemMeetingAsync(t)).DeleteAsync(c)),
        new(Operation.InviteParticipant, async (t, c) => await (await SystemMeetingAsync(t)).InviteAsync(c, new PlannedParticipant("1005"))),
        new(Operation.RemoveParticipant, async (t, c) => await (await SystemMeetingAsync(t)).RemoveAsync(c, "p1")),
        new(Operation.MuteParticipant, async (t, c) => await (await SystemMeetingAsync(t)).SetMutedAsync(c, "p1", true)),
        new(Operation.ControlVideo, async (t, c) => await (await SystemMeetingAsync(t)).SetVideoAllowedAsync(c, "p1", false)),
        new(Operation.ControlSpeaking, async (t, c) => await (await SystemMeetingAsync(t)).SetSpeakingAllowedAsync(c, "p1", false)),
        new(Operation.SetParticipantRole, async (t, c) => await (await SystemMeetingAsync(t)).SetParticipantRoleAsync(c, "p1", Role.Participant)),
        new(Operation.SetLayout, async (t, c) => await (await SystemMeetingAsync(t)).SetLayoutAsync(c, "grid")),
        new(Operation.LockMeeting, async (t, c) => await (await SystemMeetingAsync(t)).SetLockedAsync(c, true)),
        new(Operation.ControlRecording, async (t, c) => await (await MeetingWithMediaAsync(t)).SetRecordingAsync(c, true)),
        new(Operation.DialOutExternal, async (t, c) => await (await SystemMeetingAsync(t)).InviteAsync(c, new PlannedParticipant("+15551234567"))),
        new(Operation.PlayRecording, async (t, c) => { var (catalog, id) = await RecordedAsync(t); await catalog.AuthorizePlaybackAsync(c, id, false); }),
        new(Operation.ExportRecording, async (t, c) => { var (catalog, id) = await RecordedAsync(t); await catalog.AuthorizePlaybackAsync(c, id, true); }),
        new(Operation.ReplayUtterance, ReplayAsync, ParticipantWithUtteranceAsync),
        new(Operation.DeleteRecording, async (t, c) => { var (catalog, id) = await RecordedAsync(t); await catalog.DeleteRecordingAsync(c, id); }),
        new(Operation.ViewRecordingAudit, async (t, c) => await (await RecordedAsync(t)).Catalog.GetAuditAsync(c)),
        new(Operation.RotateRecordingKey, (t, c) => t.Tenant.RotateRecordingKeyAsync(c, forgetOld: false)),
        new(Operation.ReadMinutes, async (t, c) => await (await MinutesAsync(t)).GetAsync(c)),
        new(Operation.EditMinutes, async (t, c) => { var minutes = await MinutesAsync(t); await minutes.EditAsync(c, await EntryAsync(t, minutes), "edited"); }),
        new(Operation.FinalizeMinutes, async (t, c) => await (await MinutesAsync(t)).FinalizeAsync(c)),
        new(Operation.SetMinutesEditor, async (t, c) => await (await MinutesAsync(t)).SetEditorAsync(c, "1004")),
        new(Operation.ViewLiveVideo, async (t, c) => await (await SystemMeetingAsync(t)).GetPreviewAsync(c)),
        new(Operation.ManageTenants, (t, c) => t.Grains.GetGrain<ITenantGrain>(c.Kind == CallerKind.PlatformOperator ? Guid.NewGuid() : t.Id).CreateAsync(c, $"n-{Guid.NewGuid():N}", [$"d{Guid.NewGuid():N}.test"], new TenantPolicies())),
    ];

    private static IDirectoryGrain Directory(TestTenant t) => t.Grains.GetGrain<IDirectoryGrain>(t.Id);

    private static IMeetingPlanGrain NewPlan(TestTenant t) => t.Grains.GetGrain<IMeetingPlanGrain>(Guid.NewGuid());

    private static IMeetingGrain NewMeeting(TestTenant t) => t.Grains.GetGrain<IMeetingGrain>(Guid.NewGuid());

    /// <summary>The plan of user 1005, made while 1005 was a member.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TestTenant, IMeetingPlanGrain> s_plans = new();

    private static IMeetingPlanGrain PlanOf(TestTenant t) => s_plans.TryGetValue(t, out var plan) ? plan : throw new InvalidOperationException("no plan");

    /// <summary>1005 creates a plan as a member, then gets the role under test: it owns the plan.</summary>
    private static async Task<Caller> OwnPlanCallerAsync(TestTenant t, Role role)
    {
        var plan = NewPlan(t);
        await plan.CreateAsync(t.User("1005"), s_plan);
        s_plans.AddOrUpdate(t, plan);
        await t.Tenant.SetUserRoleAsync(t.System, "1005", role);
        return t.User("1005");
    }

    private static async Task<IMeetingPlanGrain> OthersPlanAsync(TestTenant t)
    {
        var plan = NewPlan(t);
        await plan.CreateAsync(t.User("1005"), s_plan);
        return plan;
    }

    /// <summary>A meeting made by the platform with 1005 planned (participant p1): nobody owns or
    /// chairs it, so a user's effective role is their tenant role.</summary>
    private static async Task<IMeetingGrain> SystemMeetingAsync(TestTenant t)
    {
        var meeting = NewMeeting(t);
        await meeting.CreateAsync(t.System, new MeetingSpec("Board", [new PlannedParticipant("1005")]));
        return meeting;
    }

    /// <summary>A system meeting with a guest on a worker (so it has media to record).</summary>
    private static async Task<IMeetingGrain> MeetingWithMediaAsync(TestTenant t)
    {
        var meeting = await SystemMeetingAsync(t);
        Refused(await meeting.JoinAsync(t.System, Join(Caller.System(t.Id))));
        return meeting;
    }

    /// <summary>A system meeting that recorded one stored part: nobody owns, chairs or listens to it.</summary>
    private static async Task<(IRecordingCatalogGrain Catalog, Guid Recording)> RecordedAsync(TestTenant t)
    {
        var meeting = await MeetingWithMediaAsync(t);
        await meeting.SetRecordingAsync(t.System, true);
        var catalog = t.Grains.GetGrain<IRecordingCatalogGrain>(meeting.GetPrimaryKey());
        var recording = Assert.Single(await catalog.ListRecordingsAsync(t.System)).Id;
        await catalog.AddPartAsync(RecordingSamples.Part(recording, 0));
        return (catalog, recording);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TestTenant, Tuple<IRecordingCatalogGrain, Guid>> s_replays = new();

    private static Task ReplayAsync(TestTenant t, Caller c) =>
        s_replays.TryGetValue(t, out var replay) ? replay.Item1.AuthorizeUtteranceAsync(c, replay.Item2) : throw new InvalidOperationException("no utterance");

    /// <summary>1005 is planned in a running meeting (as a participant) that stored one utterance; then
    /// 1005 gets the role under test.</summary>
    private static async Task<Caller> ParticipantWithUtteranceAsync(TestTenant t, Role role)
    {
        var meeting = await MeetingWithMediaAsync(t);
        await meeting.SetRecordingAsync(t.System, true);
        var catalog = t.Grains.GetGrain<IRecordingCatalogGrain>(meeting.GetPrimaryKey());
        var utterance = RecordingSamples.Utterance("p2", DateTimeOffset.UtcNow);
        await catalog.AddUtteranceAsync(utterance);
        s_replays.AddOrUpdate(t, Tuple.Create(catalog, utterance.UtteranceId));
        await t.Tenant.SetUserRoleAsync(t.System, "1005", role);
        return t.User("1005");
    }

    /// <summary>The minutes of a system meeting that takes them (nobody owns, chairs or edits it).</summary>
    private static async Task<Sparkle.Grains.Minutes.IMinutesGrain> MinutesAsync(TestTenant t)
    {
        var meeting = NewMeeting(t);
        await meeting.CreateAsync(t.System, new MeetingSpec("Minuted", [new PlannedParticipant("1005")], Recording: new RecordingSettings(Minutes: true)));
        return t.Grains.GetGrain<Sparkle.Grains.Minutes.IMinutesGrain>(meeting.GetPrimaryKey());
    }

    /// <summary>One entry, written as the transcription queue writes them.</summary>
    private static async Task<Guid> EntryAsync(TestTenant t, Sparkle.Grains.Minutes.IMinutesGrain minutes)
    {
        var now = DateTimeOffset.UtcNow;
        var job = new Sparkle.Grains.Minutes.TranscriptionJob(Guid.NewGuid(), minutes.GetPrimaryKey(), t.Id, "blob", 100, new WrappedKey("k1", new byte[40]),
            "audio/ogg", "1005", "User 1005", now, now.AddSeconds(2), now);
        return (await minutes.AddEntryAsync(job, new Sparkle.Grains.Minutes.TranscriptionResult(Sparkle.Grains.Minutes.MinutesEntryStatus.Transcribed, "said", 0.8, false))).Id;
    }

    private static JoinRequest Join(Caller c) =>
        new($"call-{Guid.NewGuid():N}", $"sip:{c.UserNumber ?? "guest"}@example.test", "Someone", c.UserNumber, "v=0\r\n", new LegSecurity(false, false), null);

    /// <summary>Joins answer with a refusal instead of throwing.</summary>
    private static void Refused(JoinResult result)
    {
        if (result.Refusal == JoinRefusal.Forbidden)
        {
            throw new AccessDeniedException(result.Reason ?? "forbidden");
        }

        Assert.True(result.Accepted, $"join refused: {result.Refusal} {result.Reason}");
    }

    public override string ToString() => Operation.ToString();
}
