using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Sparkle.Grains.Minutes;

namespace Sparkle.GraphQL.Minutes;

/// <summary>The minutes as a document: title, status, participants, speakers, then each entry with its time,
/// speaker, text and a link to its audio through the platform (the link re-checks rights; the document holds
/// no audio). Times are UTC.</summary>
public static class MinutesDocumentRenderer
{
    public const string MarkdownContentType = "text/markdown; charset=utf-8";
    public const string DocxContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    public static string Markdown(MinutesView minutes, Func<MinutesEntry, string?> audioUrl)
    {
        var md = new StringBuilder();
        md.Append("# Minutes: ").AppendLine(Escape(minutes.Title)).AppendLine();
        md.Append("Status: ").AppendLine(StatusLine(minutes)).AppendLine();
        md.Append("Participants: ").AppendLine(Escape(string.Join(", ", minutes.Participants.Select(Person)))).AppendLine();
        md.Append("Speakers: ").AppendLine(Escape(string.Join(", ", Speakers(minutes)))).AppendLine();
        md.AppendLine("## Entries").AppendLine();
        foreach (var entry in minutes.Entries)
        {
            md.Append("- **").Append(Times(entry)).Append(' ').Append(Escape(Speaker(entry))).Append(":** ").Append(Escape(Body(entry)));
            if (audioUrl(entry) is { } url)
            {
                md.Append(" ([audio](<").Append(url).Append(">))");
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    public static byte[] Docx(MinutesView minutes, Func<MinutesEntry, string?> audioUrl)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new Body();
            main.Document = new Document(body);
            body.Append(Paragraph(new Run(new RunProperties(new Bold(), new FontSize { Val = "32" }), Text("Minutes: " + minutes.Title))));
            body.Append(Paragraph(new Run(Text("Status: " + StatusLine(minutes)))));
            body.Append(Paragraph(new Run(new RunProperties(new Bold()), Text("Participants: ")), new Run(Text(string.Join(", ", minutes.Participants.Select(Person))))));
            body.Append(Paragraph(new Run(new RunProperties(new Bold()), Text("Speakers: ")), new Run(Text(string.Join(", ", Speakers(minutes))))));
            foreach (var entry in minutes.Entries)
            {
                var paragraph = Paragraph(
                    new Run(new RunProperties(new Bold()), Text($"{Times(entry)} {Speaker(entry)}: ")),
                    new Run(Text(Body(entry))));
                if (audioUrl(entry) is { } url)
                {
                    var relation = main.AddHyperlinkRelationship(new Uri(url), isExternal: true);
                    paragraph.Append(new Run(Text(" ")));
                    paragraph.Append(new Hyperlink(new Run(
                        new RunProperties(new Color { Val = "0563C1" }, new Underline { Val = UnderlineValues.Single }),
                        Text("audio"))) { Id = relation.Id, History = OnOffValue.FromBoolean(true) });
                }

                body.Append(paragraph);
            }

            main.Document.Save();
        }

        return stream.ToArray();
    }

    private static Paragraph Paragraph(params OpenXmlElement[] runs) => new(runs);

    private static Text Text(string text) => new(XmlSafe(text)) { Space = SpaceProcessingModeValues.Preserve };

    /// <summary>Characters XML 1.0 cannot carry (control characters a speaker name might hold) are dropped.</summary>
    private static string XmlSafe(string text) =>
        text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')) ? new string(text.Where(c => !char.IsControl(c) || c is '\t' or '\n' or '\r').ToArray()) : text;

    private static string StatusLine(MinutesView m) => m.Status == MinutesStatus.Final
        ? $"final ({m.FinalizedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC by {m.FinalizedBy})"
        : "live (not final)";

    private static string Times(MinutesEntry e) =>
        $"[{e.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}–{e.EndedAt.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}]";

    public static string Speaker(MinutesEntry e) =>
        e.SpeakerName is { Length: > 0 } name ? (e.SpeakerNumber is { } n ? $"{name} ({n})" : name) : e.SpeakerNumber ?? "Guest";

    private static string Person(MinutesParticipant p) =>
        p.Name is { Length: > 0 } name ? (p.Number is { } n ? $"{name} ({n})" : name) : p.Number ?? "Guest";

    private static IEnumerable<string> Speakers(MinutesView m) => m.Entries.Select(Speaker).Distinct();

    private static string Body(MinutesEntry e) => e.Text is { } text
        ? (e.Narrowband && e.EditedBy is null ? text + " (narrowband)" : text)
        : $"(no text: {e.Reason ?? "not transcribed"})";

    /// <summary>Markdown's active characters in user text are escaped, so an entry cannot forge links or headings.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '|' or '!' or '(' or ')')
            {
                sb.Append('\\');
            }

            sb.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return sb.ToString();
    }
}
