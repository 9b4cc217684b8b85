namespace Sparkle.Media.Sdp;

/// <summary>One a= line: <c>a=name</c> or <c>a=name:value</c>.</summary>
public sealed record SdpAttribute(string Name, string? Value)
{
    public static SdpAttribute Parse(string text)
    {
        var colon = text.IndexOf(':');
        return colon < 0 ? new SdpAttribute(text, null) : new SdpAttribute(text[..colon], text[(colon + 1)..]);
    }

    public override string ToString() => Value is null ? Name : $"{Name}:{Value}";
}
