namespace Sparkle.Client;

public enum MeetingStatus { Scheduled, Active, Ended }
