using System.Diagnostics.CodeAnalysis;

namespace Sparkle.Sip.Messages;

/// <summary>CSeq: a 32-bit sequence number and a method (RFC 3261 §20.16).</summary>
public readonly record struct CSeqHeader(uint Number, string Method)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out CSeqHeader? cseq)
    {
        cseq = null;
        if (text is null)
        {
            return false;
        }
        var parts = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !uint.TryParse(parts[0], System.Globalization.NumberStyles.None, null, out var n)
            || !HeaderValues.IsToken(parts[1]))
        {
            return false;
        }
        cseq = new CSeqHeader(n, parts[1]);
        return true;
    }

    public override string ToString() => $"{Number} {Method}";
}
