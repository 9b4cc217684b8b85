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
