#:project ../../../media-workers/Sparkle.Video/Sparkle.Video.csproj
// Regenerates the layout contact sheet: dotnet run contact-sheet.cs -- [output.png]
using Sparkle.Video.Layouts;

var output = args.Length > 0 ? args[0] : Path.Combine("docs", "layouts", "contact-sheet.png");
ContactSheet.Save(output);
Console.WriteLine($"{LayoutCatalogue.All.Count} layouts -> {Path.GetFullPath(output)}");
