namespace Sparkle.Client;

public enum Role { Participant, Member, Chair, Manager, Owner }
