using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sparkle.Gateway.Telemetry;
using Sparkle.Gateway.Tests.Infrastructure;

namespace Sparkle.Gateway.Tests.Focus;

/// <summary>The focus's counters and its INVITE span, on real SIP calls to the real focus. Other tests call
/// too (in parallel), so each measurement is attributed to its call through the span it was made in.</summary>
[Collection(GatewayCollection.Name)]
public sealed class FocusTelemetryTests : IDisposable
{
    private readonly GatewayFixture _fixture;
    private readonly ActivityListener _spans;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<(string Instrument, string? CallId)> _counted = new();

    public FocusTelemetryTests(GatewayFixture fixture)
    {
        _fixture = fixture;
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GatewayTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_spans);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == GatewayTelemetry.Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, _, _, _) =>
            _counted.Enqueue((instrument.Name, Activity.Current?.GetTagItem("sip.call_id") as string)));
        _meters.Start();
    }

    public void Dispose()
    {
        _meters.Dispose();
        _spans.Dispose();
    }

    [Fact]
    public async Task AnAdmittedCallCountsAsCallAndJoinInItsOwnInviteSpan()
    {
        var (_, domain) = await _fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, _fixture.Gateway.Transport.UdpEndPoint!.Value);

        var call = phone.Call("factory");
        Assert.Equal(200, (await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        var callId = call.Request.CallId!;

        // The challenged first INVITE and the authenticated one are two INVITEs (one Call-ID), one join.
        await Eventually.TrueAsync(() => Task.FromResult(_stopped.Count(a => Equals(a.GetTagItem("sip.call_id"), callId)) == 2), "both INVITE spans to end");
        var spans = _stopped.Where(a => Equals(a.GetTagItem("sip.call_id"), callId)).ToList();
        Assert.All(spans, s => Assert.Equal(("sip.invite", ActivityKind.Server), (s.OperationName, s.Kind)));
        Assert.Equal(2, _counted.Count(c => c.Instrument == "sparkle.gateway.calls" && c.CallId == callId));
        Assert.Equal(1, _counted.Count(c => c.Instrument == "sparkle.gateway.joins" && c.CallId == callId));
        await phone.Agent.HangUpAsync(call.Dialog!);
    }

    [Fact]
    public async Task ARefusedCallCountsAsACallAndNoJoin()
    {
        var (_, domain) = await _fixture.CreateTenantAsync();
        await using var phone = new SipTestClient("1004", domain, _fixture.Gateway.Transport.UdpEndPoint!.Value);

        var call = phone.Call("99999999");
        Assert.Equal(404, (await call.FinalResponse.WaitAsync(TimeSpan.FromSeconds(30))).StatusCode);
        var callId = call.Request.CallId!;

        await Eventually.TrueAsync(() => Task.FromResult(_stopped.Any(a => Equals(a.GetTagItem("sip.call_id"), callId))), "the INVITE span to end");
        Assert.Equal(1, _counted.Count(c => c.Instrument == "sparkle.gateway.calls" && c.CallId == callId));
        Assert.DoesNotContain(_counted, c => c.Instrument == "sparkle.gateway.joins" && c.CallId == callId);
    }
}
