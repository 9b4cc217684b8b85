using Sparkle.Grains.Minutes;
using Sparkle.GraphQL.Schema;

namespace Sparkle.GraphQL.Minutes;

public sealed class MinutesStatusType : WireEnumType<MinutesStatus>
{
    public MinutesStatusType()
        : base("MinutesStatus", "live: entries are still added and may be edited; final: frozen by finalizeMinutes.")
    {
    }
}

public sealed class MinutesEntryStatusType : WireEnumType<MinutesEntryStatus>
{
    public MinutesEntryStatusType()
        : base("MinutesEntryStatus", "transcribed (the text may be empty: silence, noise), or untranscribed (reason says why; the audio is kept).")
    {
    }
}

/// <summary>The formats minutesDocument renders.</summary>
public enum MinutesDocumentFormat
{
    Markdown = 0,
    Docx = 1,
}

public sealed class MinutesDocumentFormatType : WireEnumType<MinutesDocumentFormat>
{
    public MinutesDocumentFormatType()
        : base("MinutesDocumentFormat", "markdown (text/markdown) or docx (Word).")
    {
    }
}
