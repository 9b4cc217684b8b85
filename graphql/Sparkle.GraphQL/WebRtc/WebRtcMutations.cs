using GraphQL;
using GraphQL.Types;
using Sparkle.Grains.Identity;
using Sparkle.Grains.Meetings;
using Sparkle.GraphQL.Schema;
using Sparkle.GraphQL.Transport;

namespace Sparkle.GraphQL.WebRtc;

/// <summary>Browsers join meetings over WebRTC with one round trip: the browser's complete offer (ICE gathering
/// finished) in, the media worker's answer out. The participant is the signed-in user, with that user's meeting
/// role, PIN rules and lobby; the meeting grain decides, as for a SIP call.</summary>
public static class WebRtcMutations
{
    /// <summary>Chromium's offers are 4 to 8 KiB; anything far larger is not an offer.</summary>
    public const int MaxOfferLength = 64 * 1024;

    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<WebRtcJoinType>>("joinMeetingWebRtc")
            .Description("Joins the meeting from a browser as yourself. `offer` is the browser's complete SDP offer (wait for ICE gathering to finish; no trickle). Returns your participant id and the answer to set as the remote description. Refused offers give OFFER_NOT_ACCEPTABLE with extensions.reason (NoFingerprint, PlainRtp, NoIceCredentials, SetupNotSupported, NotBundled, NoSupportedCodec, Unparseable).")
            .Argument<NonNullGraphType<IdGraphType>>("meetingId")
            .Argument<NonNullGraphType<StringGraphType>>("offer")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                if (caller.Kind != CallerKind.User || caller.UserNumber is null)
                {
                    throw ResolveContextExtensions.Forbidden("Only a signed-in user joins from a browser.");
                }

                var offer = ctx.GetArgument<string>("offer");
                if (string.IsNullOrWhiteSpace(offer) || offer.Length > MaxOfferLength)
                {
                    throw ResolveContextExtensions.BadInput($"offer must be an SDP offer of at most {MaxOfferLength} characters.");
                }

                var meeting = ctx.Grains().GetGrain<IMeetingGrain>(ctx.GetArgument<Guid>("meetingId"));
                var overTls = ctx.Service<IHttpContextAccessor>().HttpContext?.Request.IsHttps == true;
                var result = await meeting.JoinAsync(caller, new JoinRequest(
                    CallId: "webrtc-" + Guid.NewGuid().ToString("N"),
                    Uri: "",
                    DisplayName: null,
                    UserNumber: caller.UserNumber,
                    RemoteSdp: offer,
                    // The answer's keys come from DTLS, so media is always encrypted; signalling is as safe as this request.
                    Security: new LegSecurity(SignallingOverTls: overTls, MediaEncrypted: true),
                    GatewayId: null,
                    WebRtc: true));
                return result.Refusal switch
                {
                    JoinRefusal.None => new WebRtcJoin(result.ParticipantId!, result.LocalSdp!),
                    JoinRefusal.NotFound or JoinRefusal.Ended => throw ResolveContextExtensions.NotFound(result.Reason ?? "No such meeting."),
                    JoinRefusal.Locked or JoinRefusal.Forbidden => throw ResolveContextExtensions.Forbidden(result.Reason ?? "You may not join this meeting."),
                    JoinRefusal.NoMediaWorker => throw new ExecutionError(result.Reason ?? "No media worker is available.") { Code = ErrorCodes.Unavailable },
                    _ => throw OfferNotAcceptable(result),
                };
            });

        mutation.Field<NonNullGraphType<BooleanGraphType>>("leaveMeetingWebRtc")
            .Description("Leaves the meeting you joined from a browser (your own participant only). False when that participant is not in a call.")
            .Argument<NonNullGraphType<IdGraphType>>("meetingId")
            .Argument<NonNullGraphType<IdGraphType>>("participantId")
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                var meeting = ctx.Grains().GetGrain<IMeetingGrain>(ctx.GetArgument<Guid>("meetingId"));
                var participantId = ctx.GetArgument<string>("participantId");
                var snapshot = await meeting.GetAsync(caller) ?? throw ResolveContextExtensions.NotFound("No such meeting.");
                if (snapshot.Participants.FirstOrDefault(p => p.ParticipantId == participantId) is not { } participant
                    || participant.UserNumber != caller.UserNumber)
                {
                    throw ResolveContextExtensions.NotFound("No such participant of yours in this meeting.");
                }

                var wasInCall = participant.State is CallState.DialingIn or CallState.Connected or CallState.OnHold;
                await meeting.LeaveAsync(caller, participantId, DisconnectionMethod.Departed);
                return wasInCall;
            });
    }

    private static ReasonedError OfferNotAcceptable(JoinResult result) =>
        new ReasonedError(result.Reason ?? "The offer is not acceptable.", ErrorCodes.OfferNotAcceptable, result.ReasonCode ?? "NotAcceptable");
}

public sealed record WebRtcJoin(string ParticipantId, string Answer);

public sealed class WebRtcJoinType : ObjectGraphType<WebRtcJoin>
{
    public WebRtcJoinType()
    {
        Name = "WebRtcJoin";
        Description = "A browser's place in a meeting: its participant id and the media worker's SDP answer.";
        Field<NonNullGraphType<IdGraphType>>("participantId").Resolve(ctx => ctx.Source.ParticipantId);
        Field<NonNullGraphType<StringGraphType>>("answer").Description("Set it as the peer connection's remote description.").Resolve(ctx => ctx.Source.Answer);
    }
}
