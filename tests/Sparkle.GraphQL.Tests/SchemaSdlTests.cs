using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sparkle.GraphQL.Schema;
using Sparkle.GraphQL.Transport;

namespace Sparkle.GraphQL.Tests;

/// <summary>The checked-in SDL (graphql/schema.graphql) is the contract integrators code against: any change
/// to the schema must be made on purpose, by regenerating it (SPARKLE_UPDATE_SCHEMA=1) and committing it.</summary>
public sealed class SchemaSdlTests
{
    [Fact]
    public void SchemaMatchesTheCheckedInSdl()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSparkleGraphQL(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        var printed = SchemaSdl.Print(provider.GetRequiredService<SparkleSchema>());
        var path = Path.Combine(TestEnvironment.RepositoryRoot(), "graphql", "schema.graphql");

        if (Environment.GetEnvironmentVariable("SPARKLE_UPDATE_SCHEMA") == "1")
        {
            File.WriteAllText(path, printed);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests once with SPARKLE_UPDATE_SCHEMA=1 and commit it.");
        var checkedIn = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(checkedIn == printed,
            "The GraphQL schema changed. If that is intended, run the tests with SPARKLE_UPDATE_SCHEMA=1 and commit graphql/schema.graphql. First difference: "
            + FirstDifference(checkedIn, printed));
    }

    [Fact]
    public void SchemaNamesTheOperationsIntegratorsDependOn()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSparkleGraphQL(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        var schema = provider.GetRequiredService<SparkleSchema>();
        schema.Initialize();

        string[] queries = ["me", "layouts", "directory", "meetingPlans", "meetingPlan", "meetings", "meeting", "recordingAudit"];
        string[] mutations = ["createMeetingPlan", "updateMeetingPlan", "deleteMeetingPlan", "shareMeetingPlan", "startMeeting", "createMeeting", "deleteMeeting", "endMeeting",
            "recordingPlayback", "downloadRecording", "utterancePlayback", "deleteRecording", "rotateRecordingKey", "startRecording", "stopRecording"];
        foreach (var name in queries)
        {
            Assert.NotNull(schema.Query.GetField(name));
        }
        foreach (var name in mutations)
        {
            Assert.NotNull(schema.Mutation!.GetField(name));
        }
        Assert.NotNull(schema.Subscription!.GetField("meetingEvents"));
        Assert.NotNull(schema.Query.GetField("directory")!.Arguments!.Find("search"));
        Assert.NotNull(schema.Mutation!.GetField("shareMeetingPlan")!.Arguments!.Find("operatorNumbers"));
        var meeting = (global::GraphQL.Types.IComplexGraphType)schema.AllTypes["Meeting"]!;
        Assert.NotNull(meeting.GetField("recordings"));
        Assert.NotNull(meeting.GetField("recordingState"));
        Assert.NotNull(meeting.GetField("utterances")!.Arguments!.Find("speakerNumber"));
        Assert.NotNull(meeting.GetField("utterances")!.Arguments!.Find("after"));
        Assert.NotNull(meeting.GetField("utterances")!.Arguments!.Find("first"));
    }

    private static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end>";
            var a = i < actualLines.Length ? actualLines[i] : "<end>";
            if (e != a)
            {
                return $"line {i + 1}: checked in '{e}', now '{a}'";
            }
        }
        return "none";
    }
}
