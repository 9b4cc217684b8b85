#:project ../../../media-workers/Sparkle.Video/Sparkle.Video.csproj
// Regenerates the layout docs: dotnet run contact-sheet.cs -- [output-directory]
using Sparkle.Video.Layouts;

var directory = args.Length > 0 ? args[0] : Path.Combine("docs", "layouts");
ContactSheet.Save(Path.Combine(directory, "contact-sheet.png"));
SampleComposite.Save(Path.Combine(directory, "sample-composite.png"));
Console.WriteLine($"{LayoutCatalogue.All.Count} layouts -> {Path.GetFullPath(directory)}");
