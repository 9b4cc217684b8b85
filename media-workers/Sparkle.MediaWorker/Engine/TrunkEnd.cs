using Sparkle.Media.Cascade;
using Sparkle.Media.Mixing;

namespace Sparkle.MediaWorker.Engine;

/// <summary>This worker's end of one meeting's cascade trunk to a peer worker: its transport and its place in the
/// meeting's mix (a leg that is not a person: no video tile, no utterances, never named as a speaker).</summary>
internal sealed class TrunkEnd(string peerWorkerId, bool home, TrunkTransport transport, MixerLeg mixerLeg)
{
    public string PeerWorkerId { get; } = peerWorkerId;
    /// <summary>True on the meeting's home worker (the hub).</summary>
    public bool Home { get; } = home;
    public TrunkTransport Transport { get; } = transport;
    public MixerLeg MixerLeg { get; } = mixerLeg;
    public bool ReportedSilent { get; set; }
}
