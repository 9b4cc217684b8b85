using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Sparkle.Console;
using Sparkle.Console.Localization;
using Sparkle.Console.Session;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// The API is the host that served the app: /graphql, /auth and /media on the same origin.
builder.Services.AddScoped(_ => new HttpClient { BaseAddress = new Uri(builder.HostEnvironment.BaseAddress) });
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddScoped<IBrowserStorage, LocalStorage>();
builder.Services.AddScoped<ConsoleSession>();
builder.Services.AddScoped<Strings>();

await builder.Build().RunAsync();
