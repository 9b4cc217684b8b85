using Microsoft.Extensions.DependencyInjection;
using Sparkle.Client;
using Sparkle.Grains.Media;

namespace Sparkle.GraphQL.Tests;

/// <summary>drainMediaWorker / undrainMediaWorker through the real API and registry grain, with fake workers
/// registered as the real processes would.</summary>
[Collection(ApiCollection.Name)]
public sealed class FleetDrainTests(ApiFixture api) : IAsyncLifetime
{
    private readonly string _first = $"drain-a-{Guid.NewGuid():N}";
    private readonly string _second = $"drain-b-{Guid.NewGuid():N}";
    // Kept in a field: Orleans holds observers weakly.
    private readonly FakeMediaWorker _worker = new();
    private IMediaWorker? _workerRef;

    private IClusterClient Client => api.Cluster.Api!.Services.GetRequiredService<IClusterClient>();
    private IMediaWorkerRegistryGrain Registry => Client.GetGrain<IMediaWorkerRegistryGrain>(0);

    public async Task InitializeAsync()
    {
        _workerRef = Client.CreateObjectReference<IMediaWorker>(_worker);
        foreach (var id in new[] { _first, _second })
        {
            await Registry.RegisterAsync(new MediaWorkerInfo(id, "10.9.8.7", 50, 0, 0, DateTimeOffset.UtcNow, "9.9.9-test", 0), _workerRef);
        }
    }

    public async Task DisposeAsync()
    {
        await Registry.UnregisterAsync(_first);
        await Registry.UnregisterAsync(_second);
    }

    [Fact]
    public async Task TheOperatorDrainsAWorkerAndPutsItBackInService()
    {
        var op = api.Client(api.Demo.OperatorToken);
        await BeatAsync();

        var drained = await op.DrainMediaWorkerAsync(_first);

        Assert.Equal((_first, true, 50), (drained.Id, drained.Draining, drained.Capacity));
        var listed = await op.ListMediaWorkersAsync();
        Assert.True(Assert.Single(listed, w => w.Id == _first).Draining);
        Assert.False(Assert.Single(listed, w => w.Id == _second).Draining);

        var back = await op.UndrainMediaWorkerAsync(_first);

        Assert.False(back.Draining);
        Assert.False(Assert.Single(await op.ListMediaWorkersAsync(), w => w.Id == _first).Draining);
    }

    [Fact]
    public async Task DrainingTheLastLiveWorkerTakingMeetingsIsRefusedWithLastWorker()
    {
        var op = api.Client(api.Demo.OperatorToken);
        await BeatAsync();
        await op.DrainMediaWorkerAsync(_first);
        // Any other live worker another test registered stops taking meetings too, so _second is the last.
        var othersDrained = new List<string>();
        foreach (var other in (await Registry.ListAsync()).Where(w => w.WorkerId != _second && !w.Draining))
        {
            if (await TrySetDrainingAsync(other.WorkerId, true))
            {
                othersDrained.Add(other.WorkerId);
            }
        }

        try
        {
            var refused = await op.ExecuteAsync("mutation($id: ID!) { drainMediaWorker(id: $id) { id draining } }", new { id = _second });

            Assert.Equal("LAST_WORKER", refused.ErrorCode);
            Assert.Contains("last live worker", refused.Errors[0].Message, StringComparison.Ordinal);
            Assert.False(Assert.Single(await op.ListMediaWorkersAsync(), w => w.Id == _second).Draining);
        }
        finally
        {
            foreach (var id in othersDrained)
            {
                await TrySetDrainingAsync(id, false);
            }

            await op.UndrainMediaWorkerAsync(_first);
        }
    }

    [Fact]
    public async Task AnUnknownWorkerIsNotFound()
    {
        var op = api.Client(api.Demo.OperatorToken);

        var response = await op.ExecuteAsync("mutation { drainMediaWorker(id: \"no-such-worker\") { id } }");

        Assert.Equal("NOT_FOUND", response.ErrorCode);
        Assert.Contains("no-such-worker", response.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantUsersEvenOwnersMayNotDrainAndNothingChanges()
    {
        await BeatAsync();
        foreach (var user in new[] { api.Demo.Demo.Owner, api.Demo.Demo.Manager, api.Demo.Demo2.Owner })
        {
            var client = api.Client(user);
            var drain = await Assert.ThrowsAsync<SparkleApiException>(() => client.DrainMediaWorkerAsync(_first));
            var undrain = await Assert.ThrowsAsync<SparkleApiException>(() => client.UndrainMediaWorkerAsync(_first));
            // The same refusal as the fleet queries give a tenant user.
            Assert.Equal(("FORBIDDEN", "FORBIDDEN"), (drain.Code, undrain.Code));
            Assert.Equal((await client.ExecuteAsync("{ mediaWorkers { id } }")).Errors[0].Message, drain.Message);
        }

        Assert.False(Assert.Single(await Registry.ListAsync(), w => w.WorkerId == _first).Draining);
    }

    /// <summary>False when the worker was dropped meanwhile (another test's worker that sends no heartbeats).</summary>
    private async Task<bool> TrySetDrainingAsync(string id, bool draining)
    {
        try
        {
            await Registry.SetDrainingAsync(id, draining);
            return true;
        }
        catch (Sparkle.Grains.Identity.NotFoundException)
        {
            return false;
        }
    }

    /// <summary>The fake workers send no heartbeats of their own: one now keeps them live for the test.</summary>
    private async Task BeatAsync()
    {
        Assert.True(await Registry.HeartbeatAsync(_first, 0, 0, 0));
        Assert.True(await Registry.HeartbeatAsync(_second, 0, 0, 0));
    }
}
