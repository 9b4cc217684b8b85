using Sparkle.Client;

namespace Sparkle.GraphQL.Tests;

/// <summary>Plans and meetings survive a restart of both the silo and the API host (PostgreSQL storage),
/// and the tokens issued before keep working (the signing key is kept in the key folder).</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task PlansMeetingsAndTokensSurviveARestart()
    {
        var cluster = new ClusterUnderTest(Path.Combine(Path.GetTempPath(), "sparkle-gql-restart", Guid.NewGuid().ToString("N")));
        using var http = new HttpClient();
        try
        {
            await cluster.StartSiloAsync();
            await cluster.StartApiAsync();
            var demo = await WaitForTokensAsync(cluster);
            var owner = new SparkleClient(cluster.GraphQLEndpoint, demo.Demo.Owner.Token, http);
            var plan = await owner.CreateMeetingPlanAsync("Survivor", [new PlannedParticipant("1005", "Eve")]);
            var meeting = await owner.CreateMeetingAsync("Kept meeting", [new PlannedParticipant("1006")]);
            await owner.SetLockedAsync(meeting.Id, true);

            await cluster.StopApiAsync();
            await cluster.StopSiloAsync();
            await cluster.StartSiloAsync();
            await cluster.StartApiAsync();

            var again = new SparkleClient(cluster.GraphQLEndpoint, demo.Demo.Owner.Token, http);
            Assert.Equal(Role.Owner, (await again.GetMeAsync()).Role);
            var plans = (await again.ListMeetingPlansAsync()).Items;
            var keptPlan = Assert.Single(plans, p => p.Id == plan.Id);
            Assert.Equal("Survivor", keptPlan.Title);
            Assert.Equal("1005", Assert.Single(keptPlan.Participants).Number);
            var keptMeeting = await again.GetMeetingAsync(meeting.Id);
            Assert.NotNull(keptMeeting);
            Assert.Equal("Kept meeting", keptMeeting.Title);
            Assert.True(keptMeeting.Locked);
            Assert.Equal(meeting.ConferenceNumber, keptMeeting.ConferenceNumber);
        }
        finally
        {
            await cluster.StopApiAsync();
            await cluster.StopSiloAsync();
            System.IO.Directory.Delete(cluster.WorkFolder, recursive: true);
        }
    }

    /// <summary>Demo data from before console passwords: after a restart each demo user's SIP password signs in
    /// to the console (once: the demo file is marked), and refresh tokens issued before the restart still work.</summary>
    [Fact]
    public async Task ARestartGivesOlderDemoDataItsConsolePasswordsAndKeepsSessions()
    {
        var cluster = new ClusterUnderTest(Path.Combine(Path.GetTempPath(), "sparkle-gql-restart", Guid.NewGuid().ToString("N")));
        using var http = new HttpClient();
        try
        {
            await cluster.StartSiloAsync();
            await cluster.StartApiAsync();
            var demo = await WaitForTokensAsync(cluster);
            var member = demo.Demo.Member;
            // As if seeded before console passwords: another password, and no marker in the file.
            await cluster.Grains.GetGrain<Sparkle.Grains.Tenants.ITenantGrain>(demo.Demo.Id)
                .SetUserPasswordAsync(Sparkle.Grains.Identity.Caller.System(demo.Demo.Id), member.Number, "not the SIP password");
            var other = demo.Demo.Users["1005"];
            var session = await new SparkleAuthClient(new Uri(cluster.GraphQLEndpoint, "/"), http).LoginAsync("demo", other.Number, other.Password);
            await cluster.StopApiAsync();
            await cluster.StopSiloAsync();
            var file = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(cluster.DemoFile))!.AsObject();
            Assert.True(file.Remove("consolePasswordsSeeded"));
            await File.WriteAllTextAsync(cluster.DemoFile, file.ToJsonString());

            await cluster.StartSiloAsync();
            await cluster.StartApiAsync();

            var auth = new SparkleAuthClient(new Uri(cluster.GraphQLEndpoint, "/"), http);
            var signedIn = await auth.LoginAsync("demo.sparkle.test", member.Number, member.Password);
            Assert.Equal(member.Number, signedIn.UserNumber);
            Assert.Contains("consolePasswordsSeeded", await File.ReadAllTextAsync(cluster.DemoFile), StringComparison.Ordinal);
            Assert.Equal(other.Number, (await auth.RefreshAsync(session.RefreshToken)).UserNumber);
        }
        finally
        {
            await cluster.StopApiAsync();
            await cluster.StopSiloAsync();
            System.IO.Directory.Delete(cluster.WorkFolder, recursive: true);
        }
    }

    private static async Task<DemoData> WaitForTokensAsync(ClusterUnderTest cluster)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (DemoData.TryRead(cluster.DemoFile) is { } demo)
            {
                return demo;
            }
            Assert.True(DateTime.UtcNow < deadline, "No demo tokens within 90 s.");
            await Task.Delay(200);
        }
    }
}
