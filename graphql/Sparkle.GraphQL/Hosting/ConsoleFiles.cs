namespace Sparkle.GraphQL.Hosting;

/// <summary>Serves the web console (Sparkle.Console, Blazor WebAssembly) at "/": its fingerprinted,
/// pre-compressed files from the static web assets manifest, and index.html for every other path that is
/// not an API endpoint, so that a deep link (/meetings/...) opens the app on that page.</summary>
public static class ConsoleFiles
{
    public static void Map(WebApplication app)
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{app.Environment.ApplicationName}.staticwebassets.endpoints.json");
        if (!File.Exists(manifest))
        {
            // A host built without the console (an API-only test host): the API still serves.
            return;
        }
        app.MapStaticAssets(manifest);
        app.MapFallbackToFile("index.html");
    }
}
