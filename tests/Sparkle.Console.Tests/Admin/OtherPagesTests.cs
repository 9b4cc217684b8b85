using Sparkle.Client;
using Sparkle.Console.Pages.Admin.Account;
using Sparkle.Console.Pages.Admin.Directory;
using Sparkle.Console.Pages.Admin.Fleet;
using Sparkle.Console.Pages.Admin.Meetings;
using Sparkle.Console.Pages.Admin.Webhooks;
using Sparkle.Console.Tests.Fakes;

namespace Sparkle.Console.Tests.Admin;

public sealed class WebhooksPageTests : ConsoleTestContext
{
    private static object Hook(string id, string url) => new { id, url, events = Array.Empty<string>(), createdAt = DateTimeOffset.UnixEpoch };

    private static object Delivery(int i) => new
    {
        id = $"d{i}", eventType = "meeting.started", payload = "{}", state = i % 2 == 0 ? "failed" : "succeeded", attempts = 1,
        lastStatusCode = 500, createdAt = DateTimeOffset.UnixEpoch, nextAttemptAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void AManagerSeesNoWebhooks()
    {
        SignIn(Role.Manager);
        var page = Render<WebhooksPage>();
        Assert.Equal(T["admin.webhooks.ownersOnly"], page.Find("[role=alert]").TextContent);
        Assert.Empty(Api.Calls);
    }

    [Fact]
    public void TheDeliveryLogPagesWithTheWebhookAndTheCursor()
    {
        SignIn(Role.Owner);
        Api.On("webhooks", new[] { Hook("w1", "https://oa.example.com/hook") });
        Api.On("webhookDeliveries", call => call.Var("after") is null
            ? FakeApi.Connection(Enumerable.Range(1, 25).Select(Delivery).ToList(), hasNextPage: true, totalCount: 26)
            : FakeApi.Connection([Delivery(26)], hasNextPage: false, totalCount: 26, offset: 25));
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => page.Find("li.webhook"));

        page.Find("li.webhook .actions button").Click();
        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("table.deliveries tbody tr").Count));
        page.Find(".load-more-button").Click();

        page.WaitForAssertion(() => Assert.Equal(26, page.FindAll("table.deliveries tbody tr").Count));
        var calls = Api.CallsTo("webhookDeliveries");
        Assert.All(calls, c => Assert.Equal("w1", c.Var("webhookId")));
        Assert.Equal("c25", calls[1].Var("after"));
    }

    [Fact]
    public void CreatingShowsTheSecretOnceAndARefusedUrlGoesNextToTheUrl()
    {
        SignIn(Role.Owner);
        Api.On("webhooks", Array.Empty<object>());
        Api.OnError("createWebhook", "BAD_USER_INPUT", "url is not allowed: private address. Webhooks go to public internet addresses only.");
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Equal(T["admin.webhooks.empty"], page.Find(".empty").TextContent));

        page.Find("#webhook-url").Change("not a url");
        page.Find("form").Submit();
        Assert.Equal(T["admin.webhooks.urlInvalid"], page.Find("#webhook-url-error").TextContent);
        Assert.Empty(Api.CallsTo("createWebhook"));

        page.Find("#webhook-url").Change("https://10.0.0.1/hook");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("public internet addresses only", page.Find("#webhook-url-error").TextContent));

        Api.On("createWebhook", new { id = "w2", url = "https://oa.example.com/hook", events = new[] { "meeting.ended" }, createdAt = DateTimeOffset.UnixEpoch, secret = "whsec_42" });
        page.Find("#webhook-url").Change("https://oa.example.com/hook");
        page.FindAll("input[type=checkbox]")[2].Change(true);
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal("whsec_42", page.Find(".secret code").TextContent));
        Assert.Single(page.FindAll("li.webhook"));
        Assert.Equal("""["meeting.ended"]""", Api.CallsTo("createWebhook")[1].Var("events"));
    }
}

public sealed class AccountPageTests : ConsoleTestContext
{
    [Fact]
    public void AWrongCurrentPasswordIsShownNextToIt()
    {
        SignIn(Role.Member, "1004");
        Api.OnError("changePassword", "INVALID_PASSWORD", "The current password is wrong.");
        var page = Render<AccountPage>();

        page.Find("#current-password").Change("nope");
        page.Find("#new-password").Change("a new password");
        page.Find("#repeat-password").Change("a new password");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("The current password is wrong.", page.Find("#current-password-error").TextContent));
        Assert.Empty(page.FindAll("#new-password-error"));
        var call = Api.CallsTo("changePassword").Single();
        Assert.Equal("nope", call.Var("c"));
        Assert.Equal("a new password", call.Var("n"));
    }

    [Fact]
    public void SavingShowsProgressAndThenConfirms()
    {
        SignIn(Role.Member);
        Api.On("changePassword", true);
        Api.Gate = new TaskCompletionSource();
        var page = Render<AccountPage>();
        page.Find("#current-password").Change("old password");
        page.Find("#new-password").Change("a new password");
        page.Find("#repeat-password").Change("a new password");

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal(T["admin.saving"], page.Find("button[type=submit]").TextContent));
        Assert.True(page.Find("button[type=submit]").HasAttribute("disabled"));
        Api.Gate.SetResult();
        page.WaitForAssertion(() => Assert.Equal(T["admin.account.changed"], page.Find(".notice").TextContent));
        Assert.False(page.Find("button[type=submit]").HasAttribute("disabled"));
        Assert.Equal("", page.Find("#current-password").GetAttribute("value"));
    }

    [Fact]
    public void DifferentRepeatsAreCaughtInTheForm()
    {
        SignIn(Role.Member);
        var page = Render<AccountPage>();

        page.Find("#current-password").Change("old");
        page.Find("#new-password").Change("a new password");
        page.Find("#repeat-password").Change("another");
        page.Find("form").Submit();

        Assert.Equal(T["admin.account.mismatch"], page.Find("#repeat-password-error").TextContent);
        Assert.Empty(Api.Calls);
    }
}

public sealed class FleetPageTests : ConsoleTestContext
{
    [Fact]
    public void AUserTokenIsRefusedNextToTheTokenField()
    {
        Api.On("me", new { kind = "user" });
        var page = Render<FleetPage>();

        page.Find("#operator-token").Change("user-token");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal(T["admin.fleet.notOperator"], page.Find("#operator-token-error").TextContent));
        Assert.Empty(Api.CallsTo("tenants"));
    }

    [Fact]
    public void TheOperatorSeesTenantsWorkersAndGatewaysWithTheirLoad()
    {
        Api.On("me", new { kind = "platform_operator" });
        Api.On("tenants", FakeApi.Connection([new { id = Guid.NewGuid(), name = "demo", sipDomains = new[] { "demo.sparkle.test" }, createdAt = DateTimeOffset.UnixEpoch }], hasNextPage: false));
        Api.On("mediaWorkers", new[] { Worker("mw-1", draining: false) });
        Api.OnError("sipGateways", "GRAPHQL_VALIDATION_FAILED", "Cannot query field 'sipGateways'.");
        var page = Render<FleetPage>();

        page.Find("#operator-token").Change("operator-token");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("demo.sparkle.test", page.Find("table.tenants").TextContent));
        Assert.Contains(T.Format("admin.fleet.legsOf", 12, 200), page.Find("table.workers").TextContent);
        Assert.Contains("42 %", page.Find("table.workers").TextContent);
        Assert.Contains(T["admin.fleet.unavailable"], page.Markup);
        // Not the session's token: the operator's.
        Assert.Null(Session.AccessToken);
    }

    [Fact]
    public void TheOperatorDrainsAWorkerAndPutsItBackFromItsRow()
    {
        var page = SignInAsOperator(Worker("mw-1", draining: false), Worker("mw-2", draining: false));
        Api.On("drainMediaWorker", call => Worker(call.Var("id")!, draining: true));
        Api.On("undrainMediaWorker", call => Worker(call.Var("id")!, draining: false));

        page.Find($"button[aria-label='{T.Format("admin.fleet.drainWorker", "mw-2")}']").Click();

        page.WaitForAssertion(() => Assert.Contains(T["admin.fleet.draining"], Row(page, "mw-2")));
        Assert.Equal("mw-2", Assert.Single(Api.CallsTo("drainMediaWorker")).Var("id"));
        Assert.Contains(T["admin.fleet.inService"], Row(page, "mw-1"));

        page.Find($"button[aria-label='{T.Format("admin.fleet.undrainWorker", "mw-2")}']").Click();

        page.WaitForAssertion(() => Assert.Contains(T["admin.fleet.inService"], Row(page, "mw-2")));
        Assert.Equal("mw-2", Assert.Single(Api.CallsTo("undrainMediaWorker")).Var("id"));
    }

    [Fact]
    public void DrainingTheLastWorkerIsExplainedAndTheRowStaysInService()
    {
        var page = SignInAsOperator(Worker("mw-1", draining: false));
        Api.OnError("drainMediaWorker", "LAST_WORKER", "Media worker 'mw-1' is the last live worker taking meetings.");

        page.Find($"button[aria-label='{T.Format("admin.fleet.drainWorker", "mw-1")}']").Click();

        page.WaitForAssertion(() => Assert.Contains(T.Format("admin.fleet.lastWorker", "mw-1"), page.Markup));
        Assert.Contains(T["admin.fleet.inService"], Row(page, "mw-1"));
    }

    private static object Worker(string id, bool draining) => new
    {
        id, address = "10.0.0.5", version = "1.0", legs = 12, capacity = 200, meetings = 3, cpu = 0.42, draining, lastHeartbeat = DateTimeOffset.UnixEpoch,
    };

    private static string Row(IRenderedComponent<FleetPage> page, string workerId) =>
        page.FindAll("table.workers tbody tr").Single(r => r.TextContent.Contains(workerId, StringComparison.Ordinal)).TextContent;

    private IRenderedComponent<FleetPage> SignInAsOperator(params object[] workers)
    {
        Api.On("me", new { kind = "platform_operator" });
        Api.On("tenants", FakeApi.Connection(Array.Empty<object>().ToList(), hasNextPage: false));
        Api.On("mediaWorkers", workers);
        Api.On("sipGateways", Array.Empty<object>());
        var page = Render<FleetPage>();
        page.Find("#operator-token").Change("operator-token");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Equal(workers.Length, page.FindAll("table.workers tbody tr").Count));
        return page;
    }
}

public sealed class MeetingDetailsTests : ConsoleTestContext
{
    private static readonly Guid Id = Guid.Parse("cccccccc-0000-0000-0000-000000000001");

    [Fact]
    public void HistoryListsWhoJoinedWhenAndHowTheyLeft()
    {
        SignIn(Role.Member);
        Api.On("meeting", call => call.Query.Contains("recordings", StringComparison.Ordinal)
            ? new { recordings = new[] { new { id = "r1", kind = "mixed", startedAt = DateTimeOffset.UnixEpoch, durationMs = 120000, sizeBytes = 1 } } }
            : new
            {
                id = Id, title = "Board", conferenceNumber = "80001", ownerNumber = "1001", status = "ended", locked = false, recording = false,
                layout = "2x2", layoutMode = "automatic", createdAt = DateTimeOffset.UnixEpoch,
                participants = new[]
                {
                    new { id = "p2", uri = "sip:1005@demo", displayName = "Eve", userNumber = "1005", role = "participant", state = "disconnected",
                          joiningMethod = "dialed_in", disconnectionMethod = (string?)"booted", joinedAt = (DateTimeOffset?)new DateTimeOffset(2026, 12, 1, 10, 5, 0, TimeSpan.Zero) },
                    new { id = "p1", uri = "sip:1001@demo", displayName = "Ada", userNumber = "1001", role = "chair", state = "connected",
                          joiningMethod = "dialed_out", disconnectionMethod = (string?)null, joinedAt = (DateTimeOffset?)new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero) },
                },
                plannedParticipants = Array.Empty<object>(),
            });
        var page = Render<MeetingDetails>(p => p.Add(x => x.MeetingId, Id));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("table.history tbody tr").Count));
        var rows = page.FindAll("table.history tbody tr");
        Assert.StartsWith("Ada", rows[0].TextContent.Trim());
        Assert.Contains("2026-12-01 10:00", rows[0].TextContent);
        Assert.Contains(T["admin.leaving.booted"], rows[1].TextContent);
        page.WaitForAssertion(() => Assert.Contains(T["admin.recordingKind.mixed"], page.Markup));
        Assert.Empty(page.FindAll("button.danger"));
        Assert.NotNull(page.Find($"a[href='meetings/{Id}']"));
    }
}

public sealed class DirectoryPageTests : ConsoleTestContext
{
    [Fact]
    public void SearchShowsDepartmentNamesAndTheTreeNestsDepartments()
    {
        SignIn(Role.Member);
        Api.On("departments", new[] { new { externalId = "d1", name = "Sales", parentExternalId = (string?)null }, new { externalId = "d2", name = "Sales East", parentExternalId = (string?)"d1" } });
        Api.On("directory", call => new[] { new { externalId = "c1", displayName = "Erin", departmentExternalId = "d2", sipNumber = "1007" } });
        var page = Render<DirectoryPage>();
        page.WaitForAssertion(() => Assert.Contains("Sales East", page.Find("table.contacts").TextContent));

        page.Find("#directory-search").Change("erin");
        page.Find("form.filters").Submit();
        page.WaitForAssertion(() => Assert.Equal("erin", Api.CallsTo("directory").Last().Var("s")));

        page.Find("#tab-departments").Click();
        page.WaitForAssertion(() => Assert.Equal("Sales East", page.Find("ul.tree > li > ul > li > span").TextContent));
    }

    [Fact]
    public void APersonalContactNeedsANumberAndIsSavedWithTheApi()
    {
        SignIn(Role.Member);
        Api.On("departments", Array.Empty<object>());
        Api.On("directory", Array.Empty<object>());
        Api.On("myContacts", FakeApi.Connection(Array.Empty<object>(), hasNextPage: false));
        Api.On("upsertMyContact", call => call.Path("input")!.Value);
        var page = Render<DirectoryPage>();
        page.Find("#tab-personal").Click();
        page.WaitForAssertion(() => Assert.Equal(T["admin.directory.noPersonal"], page.Find(".empty").TextContent));

        page.Find(".page-head > button.primary").Click();
        page.Find("#contact-name").Change("Mum");
        page.Find("form.form-grid").Submit();
        Assert.Equal(T["admin.directory.numberRequired"], page.Find("#contact-sip-error").TextContent);

        page.Find("#contact-mobile").Change("13800000000");
        page.Find("form.form-grid").Submit();

        page.WaitForAssertion(() => Assert.Contains("Mum", page.Find("table.contacts").TextContent));
        var input = Api.CallsTo("upsertMyContact").Single().Path("input")!.Value;
        Assert.Equal("13800000000", input.GetProperty("mobile").GetString());
        Assert.StartsWith("personal-", input.GetProperty("externalId").GetString());
    }
}
