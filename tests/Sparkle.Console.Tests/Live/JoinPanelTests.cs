using System.Text.Json;
using Microsoft.JSInterop;
using Sparkle.Client;
using Sparkle.Console.Components.Live;
using Sparkle.Console.Localization;
using Sparkle.Console.Tests.Fakes;

namespace Sparkle.Console.Tests.Live;

/// <summary>The Join panel against the fake API and a fake of wwwroot/js/webrtc.js (bUnit's module interop): what
/// it shows in each state, what it sends through the SDK, and what it asks of the module.</summary>
public sealed class JoinPanelTests : ConsoleTestContext
{
    private static readonly Guid MeetingId = Guid.Parse("22222222-2222-2222-2222-222222222222");
    private const string Offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=browser offer\r\n";
    private const string Answer = "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=worker answer\r\n";

    private static readonly MediaDeviceList Devices = new(
        [new MediaDevice("mic-1", "Built-in microphone"), new MediaDevice("mic-2", "")],
        [new MediaDevice("cam-1", "Front camera"), new MediaDevice("cam-2", "USB camera")]);

    private readonly BunitJSModuleInterop _module;

    public JoinPanelTests()
    {
        _module = JSInterop.SetupModule(JoinMedia.ModulePath);
        _module.Setup<OfferResult>("offer", _ => true).SetResult(new OfferResult(Offer, null, Devices));
        _module.Setup<PreviewResult>("preview", _ => true).SetResult(new PreviewResult(null, Devices));
        _module.Setup<string?>("useDevice", _ => true).SetResult(null);
        Api.On("joinMeetingWebRtc", new { participantId = "pw1", answer = Answer });
        Api.On("leaveMeetingWebRtc", true);
    }

    private IRenderedComponent<JoinPanel> RenderPanel(string language = Strings.English)
    {
        SignIn(Role.Member, "1006");
        T.SetLanguage(language);
        return Render<JoinPanel>(p => p.Add(x => x.MeetingId, MeetingId));
    }

    private IReadOnlyList<JSRuntimeInvocation> Calls(string identifier) =>
        _module.Invocations.Where(i => i.Identifier == identifier).ToList();

    private static string? ModeOf(JSRuntimeInvocation offer) =>
        JsonSerializer.SerializeToElement(offer.Arguments[0]).GetProperty("mode").GetString();

    private static string State(IRenderedComponent<JoinPanel> panel) => panel.Find(".join-panel").GetAttribute("data-state")!;

    /// <summary>Clicks a way in and waits until the answer went back to the module.</summary>
    private void JoinBy(IRenderedComponent<JoinPanel> panel, string action)
    {
        panel.Find($"button[data-action={action}]").Click();
        panel.WaitForAssertion(() => Assert.Single(Calls("answer")));
    }

    /// <summary>The module reporting pc.connectionState through the reference it was given with the offer.</summary>
    private async Task ConnectionStateAsync(string state)
    {
        var self = (DotNetObjectReference<JoinPanel>)Calls("offer")[^1].Arguments[3]!;
        await self.Value.OnConnectionState(state);
    }

    [Fact]
    public void IdleThePanelOffersThreeWaysInAndNoCallControls()
    {
        var panel = RenderPanel();

        Assert.Equal("idle", State(panel));
        Assert.Equal(T["join.join"], panel.Find("button[data-action=join]").TextContent);
        Assert.Equal(T["join.joinAudio"], panel.Find("button[data-action=join-audio]").TextContent);
        Assert.Equal(T["join.watch"], panel.Find("button[data-action=watch]").TextContent);
        Assert.Empty(panel.FindAll("button[data-action=leave], button[data-action=toggle-mic], button[data-action=toggle-camera]"));
        Assert.True(panel.Find("video[data-role=composite]").HasAttribute("hidden"));
        Assert.True(panel.Find("video[data-role=preview]").HasAttribute("muted"));
        Assert.Empty(Calls("offer"));
        Assert.Empty(Api.CallsTo("joinMeetingWebRtc"));
    }

    [Fact]
    public async Task JoinSendsTheModulesOfferThroughTheSdkAndHandsTheAnswerBack()
    {
        var panel = RenderPanel();

        JoinBy(panel, "join");

        Assert.Equal(JoinMedia.Video, ModeOf(Assert.Single(Calls("offer"))));
        var call = Assert.Single(Api.CallsTo("joinMeetingWebRtc"));
        Assert.Equal(Offer, call.Var("o"));
        Assert.Equal(MeetingId.ToString(), call.Var("m"));
        Assert.Equal(Answer, Assert.Single(Calls("answer")).Arguments[0]);
        panel.WaitForAssertion(() => Assert.Equal("joining", State(panel)));
        Assert.Equal(T["join.connection.joining"], panel.Find(".join-status").TextContent);
        Assert.False(panel.Find("video[data-role=composite]").HasAttribute("hidden"));

        await ConnectionStateAsync("connected");

        panel.WaitForAssertion(() => Assert.Equal("connected", State(panel)));
        Assert.Equal(T["join.connection.connected"], panel.Find(".join-status").TextContent);
        Assert.Equal("false", panel.Find("button[data-action=toggle-mic]").GetAttribute("aria-pressed"));
        Assert.Equal("false", panel.Find("button[data-action=toggle-camera]").GetAttribute("aria-pressed"));
        Assert.NotNull(panel.Find("button[data-action=leave]"));
        Assert.False(panel.Find("video[data-role=preview]").HasAttribute("hidden"));
    }

    [Fact]
    public void JoinWithAudioOnlyAsksForAMicrophoneOfferAndOffersNoCameraToggle()
    {
        var panel = RenderPanel();

        JoinBy(panel, "join-audio");

        Assert.Equal(JoinMedia.Audio, ModeOf(Assert.Single(Calls("offer"))));
        Assert.Equal(Offer, Assert.Single(Api.CallsTo("joinMeetingWebRtc")).Var("o"));
        panel.WaitForAssertion(() => Assert.NotNull(panel.Find("button[data-action=toggle-mic]")));
        Assert.Empty(panel.FindAll("button[data-action=toggle-camera]"));
        Assert.True(panel.Find("video[data-role=preview]").HasAttribute("hidden"));
    }

    [Fact]
    public async Task WatchAsksTheModuleForAReceiveOnlyOfferAndOffersNoMediaControls()
    {
        var panel = RenderPanel();

        JoinBy(panel, "watch");
        await ConnectionStateAsync("connected");

        Assert.Equal(JoinMedia.Watch, ModeOf(Assert.Single(Calls("offer"))));
        Assert.Empty(Calls("preview"));
        panel.WaitForAssertion(() => Assert.Equal("connected", State(panel)));
        Assert.Equal("watch", panel.Find(".join-panel").GetAttribute("data-mode"));
        Assert.Equal(T["join.connection.watching"], panel.Find(".join-status").TextContent);
        Assert.Empty(panel.FindAll("button[data-action=toggle-mic], button[data-action=toggle-camera], select"));
    }

    public static TheoryData<string, string?, string> Refusals() => new()
    {
        { "OFFER_NOT_ACCEPTABLE", "NoFingerprint", "join.reason.NoFingerprint" },
        { "OFFER_NOT_ACCEPTABLE", "PlainRtp", "join.reason.PlainRtp" },
        { "OFFER_NOT_ACCEPTABLE", "NoSupportedCodec", "join.reason.NoSupportedCodec" },
        { "OFFER_NOT_ACCEPTABLE", "NotBundled", "join.reason.NotBundled" },
        { "FORBIDDEN", null, "join.error.forbidden" },
        { "NOT_FOUND", null, "join.error.notFound" },
        { "UNAVAILABLE", null, "join.error.unavailable" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void ARefusalIsShownInWordsAndTheConnectionIsClosed(string code, string? reason, string key)
    {
        Api.OnError("joinMeetingWebRtc", code, "refused by the grain", reason);
        var panel = RenderPanel();

        panel.Find("button[data-action=join]").Click();

        panel.WaitForAssertion(() => Assert.Equal(code, panel.Find(".join-panel").GetAttribute("data-error")));
        var expected = code == "OFFER_NOT_ACCEPTABLE" ? T.Format("join.error.offer", T[key]) : T[key];
        Assert.Equal(expected, panel.Find("[data-role=join-error]").TextContent);
        Assert.Equal("idle", State(panel));
        Assert.NotEmpty(Calls("close"));
        Assert.Empty(Calls("answer"));
        // Every way in is offered again.
        Assert.False(panel.Find("button[data-action=watch]").HasAttribute("disabled"));
    }

    [Fact]
    public void AnUnknownReasonIsNamedAndAnUnknownCodeShowsTheApisMessage()
    {
        Api.OnError("joinMeetingWebRtc", "OFFER_NOT_ACCEPTABLE", "nope", "SomethingNew");
        var panel = RenderPanel();
        panel.Find("button[data-action=watch]").Click();
        panel.WaitForAssertion(() => Assert.Equal(T.Format("join.error.offer", T.Format("join.reason.other", "SomethingNew")), panel.Find("[data-role=join-error]").TextContent));

        Api.OnError("joinMeetingWebRtc", "BAD_INPUT", "offer must be an SDP offer");
        panel.Find("button[data-action=watch]").Click();
        panel.WaitForAssertion(() => Assert.Equal(T.Format("join.error.api", "offer must be an SDP offer"), panel.Find("[data-role=join-error]").TextContent));
    }

    [Fact]
    public void RefusedCameraAndMicrophoneAreSaidAndWatchIsStillOffered()
    {
        _module.Setup<OfferResult>("offer", _ => true).SetResult(new OfferResult(null, "NotAllowedError"));
        var panel = RenderPanel();

        panel.Find("button[data-action=join]").Click();

        panel.WaitForAssertion(() => Assert.Equal(T["join.media.denied"], panel.Find("[data-role=media-error]").TextContent));
        Assert.Equal("idle", State(panel));
        Assert.Empty(Api.CallsTo("joinMeetingWebRtc"));
        Assert.False(panel.Find("button[data-action=watch]").HasAttribute("disabled"));
    }

    [Fact]
    public void ARefusedPreviewIsSaidToo()
    {
        _module.Setup<PreviewResult>("preview", _ => true).SetResult(new PreviewResult("NotFoundError", new MediaDeviceList([], [])));
        var panel = RenderPanel();

        panel.Find("button[data-action=preview]").Click();

        panel.WaitForAssertion(() => Assert.Equal(T["join.media.notFound"], panel.Find("[data-role=media-error]").TextContent));
        Assert.True(panel.Find("video[data-role=preview]").HasAttribute("hidden"));
        Assert.NotNull(panel.Find("button[data-action=watch]"));
    }

    [Fact]
    public void ThePreviewListsTheDevicesAndAChoiceRestartsItWithThatDevice()
    {
        var panel = RenderPanel();

        panel.Find("button[data-action=preview]").Click();

        panel.WaitForAssertion(() => Assert.False(panel.Find("video[data-role=preview]").HasAttribute("hidden")));
        var cameras = panel.FindAll("select[data-action=video-device] option").Select(o => o.TextContent).ToList();
        Assert.Equal([T["join.device.default"], "Front camera", "USB camera"], cameras);
        // A device without a label (media not allowed yet) still has a name.
        Assert.Contains(T.Format("join.device.unnamed", 2), panel.FindAll("select[data-action=audio-device] option").Select(o => o.TextContent));

        panel.Find("select[data-action=video-device]").Change("cam-2");

        panel.WaitForAssertion(() => Assert.Equal(2, Calls("preview").Count));
        Assert.Equal("cam-2", Calls("preview")[1].Arguments[2]);

        // Joining uses the chosen devices.
        JoinBy(panel, "join");
        Assert.Equal("cam-2", JsonSerializer.SerializeToElement(Calls("offer")[0].Arguments[0]).GetProperty("videoId").GetString());
    }

    [Fact]
    public async Task InTheCallTheTogglesFlipTheTracksAndADeviceChoiceReplacesTheTrack()
    {
        var panel = RenderPanel();
        JoinBy(panel, "join");
        await ConnectionStateAsync("connected");
        panel.WaitForAssertion(() => Assert.Equal("connected", State(panel)));

        panel.Find("button[data-action=toggle-mic]").Click();
        panel.WaitForAssertion(() => Assert.Equal("true", panel.Find("button[data-action=toggle-mic]").GetAttribute("aria-pressed")));
        Assert.Equal(new object?[] { "audio", false }, Calls("setEnabled")[0].Arguments);

        panel.Find("button[data-action=toggle-camera]").Click();
        panel.WaitForAssertion(() => Assert.Equal("true", panel.Find("button[data-action=toggle-camera]").GetAttribute("aria-pressed")));
        Assert.Equal(new object?[] { "video", false }, Calls("setEnabled")[1].Arguments);

        panel.Find("button[data-action=toggle-mic]").Click();
        panel.WaitForAssertion(() => Assert.Equal("false", panel.Find("button[data-action=toggle-mic]").GetAttribute("aria-pressed")));
        Assert.Equal(new object?[] { "audio", true }, Calls("setEnabled")[2].Arguments);

        panel.Find("select[data-action=audio-device]").Change("mic-2");
        panel.WaitForAssertion(() => Assert.Equal(new object?[] { "audio", "mic-2" }, Assert.Single(Calls("useDevice")).Arguments));
        Assert.Single(Calls("offer"));
    }

    [Fact]
    public async Task LeaveCallsTheSdkWithTheParticipantAndClosesTheConnection()
    {
        var panel = RenderPanel();
        JoinBy(panel, "join-audio");
        await ConnectionStateAsync("connected");
        panel.WaitForAssertion(() => Assert.Equal("connected", State(panel)));
        var closesBefore = Calls("close").Count;

        panel.Find("button[data-action=leave]").Click();

        panel.WaitForAssertion(() => Assert.Equal("idle", State(panel)));
        var leave = Assert.Single(Api.CallsTo("leaveMeetingWebRtc"));
        Assert.Equal("pw1", leave.Var("p"));
        Assert.Equal(MeetingId.ToString(), leave.Var("m"));
        Assert.Equal(closesBefore + 1, Calls("close").Count);
        Assert.NotNull(panel.Find("button[data-action=join]"));
    }

    [Fact]
    public async Task AFailedConnectionIsSaidAndRejoinLeavesAndJoinsAgainTheSameWay()
    {
        var panel = RenderPanel();
        JoinBy(panel, "join-audio");
        await ConnectionStateAsync("connecting");
        await ConnectionStateAsync("failed");

        panel.WaitForAssertion(() => Assert.Equal("failed", State(panel)));
        Assert.Equal(T["join.connection.failed"], panel.Find(".join-status").TextContent);

        panel.Find("button[data-action=rejoin]").Click();

        panel.WaitForAssertion(() => Assert.Equal(2, Calls("offer").Count));
        Assert.Equal("pw1", Assert.Single(Api.CallsTo("leaveMeetingWebRtc")).Var("p"));
        Assert.Equal(JoinMedia.Audio, ModeOf(Calls("offer")[1]));
        panel.WaitForAssertion(() => Assert.Equal(2, Api.CallsTo("joinMeetingWebRtc").Count));
        panel.WaitForAssertion(() => Assert.Equal("joining", State(panel)));
    }

    [Fact]
    public void LeaveWhileTheMeetingIsAnsweringLeavesTheLateParticipantAndClosesWhatTheModuleOpened()
    {
        var panel = RenderPanel();
        Api.Gate = new TaskCompletionSource();
        panel.Find("button[data-action=join]").Click();
        panel.WaitForAssertion(() => Assert.Single(Api.CallsTo("joinMeetingWebRtc")));

        panel.Find("button[data-action=leave]").Click();
        panel.WaitForAssertion(() => Assert.Equal("idle", State(panel)));
        Api.Gate.SetResult();
        Api.Gate = null;

        panel.WaitForAssertion(() => Assert.Equal("pw1", Assert.Single(Api.CallsTo("leaveMeetingWebRtc")).Var("p")));
        panel.WaitForAssertion(() => Assert.True(Calls("close").Count >= 2));
        Assert.Empty(Calls("answer"));
        Assert.Equal("idle", State(panel));
        Assert.Empty(panel.FindAll("[data-role=join-error]"));
    }

    [Fact]
    public async Task LeavingThePageLeavesTheCall()
    {
        var panel = RenderPanel();
        JoinBy(panel, "join");
        await ConnectionStateAsync("connected");

        await DisposeComponentsAsync();

        Assert.Equal("pw1", Assert.Single(Api.CallsTo("leaveMeetingWebRtc")).Var("p"));
        Assert.NotEmpty(Calls("close"));
    }

    [Fact]
    public void ThePanelSpeaksChinese()
    {
        Api.OnError("joinMeetingWebRtc", "OFFER_NOT_ACCEPTABLE", "no fingerprint", "NoFingerprint");
        var panel = RenderPanel(Strings.SimplifiedChinese);

        Assert.Equal("加入", panel.Find("button[data-action=join]").TextContent);
        Assert.Equal("仅用音频加入", panel.Find("button[data-action=join-audio]").TextContent);
        Assert.Equal("观看", panel.Find("button[data-action=watch]").TextContent);

        panel.Find("button[data-action=join]").Click();

        panel.WaitForAssertion(() => Assert.Equal("会议无法接受此浏览器的通话：请求中没有 DTLS 指纹。", panel.Find("[data-role=join-error]").TextContent));
    }

    [Fact]
    public void EveryJoinStringIsInBothLanguagesAndTranslated()
    {
        var english = Strings.Table(Strings.English).Where(e => e.Key.StartsWith("join.", StringComparison.Ordinal)).ToList();
        var chinese = Strings.Table(Strings.SimplifiedChinese);

        Assert.True(english.Count >= 40);
        Assert.All(english, e => Assert.NotEqual(e.Value, chinese[e.Key]));
    }
}
