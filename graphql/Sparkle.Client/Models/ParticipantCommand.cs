namespace Sparkle.Client;

/// <summary>What a chair can do to one participant; each is a mutation of the same name.</summary>
public enum ParticipantCommand
{
    Mute,
    Unmute,
    TurnVideoOff,
    TurnVideoOn,
    AllowSpeaking,
    ForbidSpeaking,
    AllowVideo,
    ForbidVideo,
    Remove,
}
