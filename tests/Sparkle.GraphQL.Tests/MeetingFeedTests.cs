using Sparkle.Client;

namespace Sparkle.GraphQL.Tests;

/// <summary>The SDK's reconnecting meeting feed (what the web console's live view runs on) against the real host.</summary>
[Collection(ApiCollection.Name)]
public sealed class MeetingFeedTests(ApiFixture api)
{
    [Fact]
    public async Task FeedDeliversEveryEventOnceInVersionOrderFromWhereItCaughtUp()
    {
        var owner = api.Client(api.Demo.Demo.Owner);
        var meeting = await owner.CreateMeetingAsync("Fed", []);
        var received = new List<MeetingEvent>();
        var allSeen = new TaskCompletionSource();
        var live = new TaskCompletionSource();
        var catchUps = 0;
        await using var feed = new MeetingFeed(api.Endpoint, meeting.Id, _ => Task.FromResult<string?>(api.Demo.Demo.Chair.Token), async ct =>
        {
            catchUps++;
            return (await owner.GetLiveMeetingAsync(meeting.Id, ct))!.Version;
        });
        feed.StateChanged += s => { if (s == MeetingFeedState.Live) { live.TrySetResult(); } };
        feed.EventReceived += e =>
        {
            lock (received)
            {
                received.Add(e);
                if (received.Count >= 2)
                {
                    allSeen.TrySetResult();
                }
            }
        };
        feed.Start();
        await live.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // Two changes made while the feed is live, each an event of its own.
        await owner.SetLockedAsync(meeting.Id, true);
        await owner.SetLockedAsync(meeting.Id, false);
        await allSeen.Task.WaitAsync(TimeSpan.FromSeconds(60));

        lock (received)
        {
            var versions = received.Select(e => e.Version).ToList();
            Assert.Equal(versions.Distinct().Order(), versions);
            Assert.Equal(Enumerable.Range((int)versions[0], versions.Count).Select(v => (long)v), versions);
            Assert.True(versions[0] > meeting.Version);
        }
        Assert.Equal(1, catchUps);
        Assert.Equal(1, feed.Connections);
    }

    [Fact]
    public async Task AFeedThatWasAwayIsReplayedWhatItMissedFromItsVersion()
    {
        var owner = api.Client(api.Demo.Demo.Owner);
        var meeting = await owner.CreateMeetingAsync("Away", []);
        // Changes while nobody watches: a view that last saw meeting.Version must get them.
        await owner.SetLockedAsync(meeting.Id, true);
        await owner.SetLockedAsync(meeting.Id, false);
        var received = new List<MeetingEvent>();
        var two = new TaskCompletionSource();
        await using var feed = new MeetingFeed(api.Endpoint, meeting.Id, _ => Task.FromResult<string?>(api.Demo.Demo.Chair.Token), _ => Task.FromResult(meeting.Version));
        feed.EventReceived += e =>
        {
            lock (received)
            {
                received.Add(e);
                if (received.Count >= 2)
                {
                    two.TrySetResult();
                }
            }
        };
        feed.Start();

        await two.Task.WaitAsync(TimeSpan.FromSeconds(60));

        lock (received)
        {
            Assert.Equal([meeting.Version + 1, meeting.Version + 2], received.Take(2).Select(e => e.Version));
            Assert.All(received.Take(2), e => Assert.Equal("meeting_changed", e.Kind));
        }
    }
}
