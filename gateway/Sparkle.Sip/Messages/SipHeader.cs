namespace Sparkle.Sip.Messages;

/// <summary>One header field as it appears on the wire: canonical name, unfolded value.</summary>
public readonly record struct SipHeader(string Name, string Value);
