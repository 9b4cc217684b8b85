using Sparkle.Grains.Identity;
using Sparkle.Grains.Media;
using Sparkle.Grains.Tests.Infrastructure;

namespace Sparkle.Grains.Tests.Registries;

/// <summary>An operator's drain of a media worker, on the real registry grain: no new meetings go to a draining
/// worker, the last worker taking meetings cannot be drained, and the mark survives the worker's re-registration.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WorkerDrainTests(ClusterFixture fixture)
{
    // Kept in a field: Orleans holds observers weakly.
    private readonly FakeMediaWorker _worker = new();

    private IMediaWorkerRegistryGrain Registry => fixture.Grains.GetGrain<IMediaWorkerRegistryGrain>(0);

    [Fact]
    public async Task PlacementSkipsADrainingWorkerButAMeetingAlreadyThereKeepsIt()
    {
        var idle = $"idle-{Guid.NewGuid():N}";
        var busy = $"busy-{Guid.NewGuid():N}";
        try
        {
            // Bigger than the shared fixture worker, so only these two have room for 500 legs.
            await RegisterAsync(idle, 1000);
            await RegisterAsync(busy, 1000);
            await Registry.HeartbeatAsync(idle, 0, 0, 0);
            await Registry.HeartbeatAsync(busy, 400, 4, 0.5);
            var placedBefore = Guid.NewGuid();
            Assert.Equal(idle, await Registry.PlaceAsync(placedBefore, 1));

            var drained = await Registry.SetDrainingAsync(idle, true);

            Assert.True(drained.Draining);
            Assert.True(Assert.Single(await Registry.ListAsync(), w => w.WorkerId == idle).Draining);
            Assert.Equal(busy, await Registry.PlaceAsync(Guid.NewGuid(), 500));
            Assert.Equal(idle, await Registry.PlaceAsync(placedBefore, 1));

            Assert.False((await Registry.SetDrainingAsync(idle, false)).Draining);
            Assert.Equal(idle, await Registry.PlaceAsync(Guid.NewGuid(), 500));
        }
        finally
        {
            await Registry.UnregisterAsync(idle);
            await Registry.UnregisterAsync(busy);
        }
    }

    [Fact]
    public async Task DrainingTheLastLiveWorkerTakingMeetingsIsRefused()
    {
        var last = $"last-{Guid.NewGuid():N}";
        var drainedHere = new List<string>();
        try
        {
            await RegisterAsync(last, 10);
            // Every other worker (the fixture's, and any another test left to be dropped) stops taking meetings.
            foreach (var other in (await Registry.ListAsync()).Where(w => w.WorkerId != last && !w.Draining))
            {
                if (await TrySetDrainingAsync(other.WorkerId, true))
                {
                    drainedHere.Add(other.WorkerId);
                }
            }

            var refusal = await Assert.ThrowsAsync<ValidationException>(() => Registry.SetDrainingAsync(last, true));

            Assert.Equal(ValidationCodes.LastWorker, refusal.Code);
            Assert.Contains(last, refusal.Message, StringComparison.Ordinal);
            Assert.False(Assert.Single(await Registry.ListAsync(), w => w.WorkerId == last).Draining);
            // Undraining is always allowed, and then the other one may drain.
            var fixtureWorker = fixture.WorkerId;
            await Registry.SetDrainingAsync(fixtureWorker, false);
            drainedHere.Remove(fixtureWorker);
            Assert.True((await Registry.SetDrainingAsync(last, true)).Draining);
        }
        finally
        {
            foreach (var id in drainedHere)
            {
                await TrySetDrainingAsync(id, false);
            }

            await Registry.SetDrainingAsync(last, false);
            await Registry.UnregisterAsync(last);
        }
    }

    [Fact]
    public async Task AnUnknownWorkerIsNotFound()
    {
        var unknown = $"nobody-{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<NotFoundException>(() => Registry.SetDrainingAsync(unknown, true));

        Assert.Contains(unknown, error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => Registry.SetDrainingAsync(unknown, false));
    }

    [Fact]
    public async Task DrainingSurvivesTheWorkerRegisteringAgainAfterItWasDropped()
    {
        var id = $"returning-{Guid.NewGuid():N}";
        try
        {
            await RegisterAsync(id, 1000);
            await Registry.SetDrainingAsync(id, true);

            // Silent: the registry's timer drops it, its next heartbeat is refused and it registers again as the worker does.
            await Eventually.WaitAsync(async () => (await Registry.ListAsync()).Any(w => w.WorkerId == id), present => !present, "the drop", seconds: 30);
            Assert.False(await Registry.HeartbeatAsync(id, 0, 0, 0));
            await RegisterAsync(id, 1000);

            Assert.True(Assert.Single(await Registry.ListAsync(), w => w.WorkerId == id).Draining);
            Assert.NotEqual(id, await Registry.PlaceAsync(Guid.NewGuid(), 1));
        }
        finally
        {
            await Registry.SetDrainingAsync(id, false);
            await Registry.UnregisterAsync(id);
        }
    }

    /// <summary>False when the worker was dropped meanwhile (another test's silent worker).</summary>
    private async Task<bool> TrySetDrainingAsync(string id, bool draining)
    {
        try
        {
            await Registry.SetDrainingAsync(id, draining);
            return true;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    private Task RegisterAsync(string id, int capacity) =>
        Registry.RegisterAsync(new MediaWorkerInfo(id, "127.0.0.9", capacity, 0, 0, DateTimeOffset.UtcNow),
            fixture.Cluster.Client.CreateObjectReference<IMediaWorker>(_worker));
}
