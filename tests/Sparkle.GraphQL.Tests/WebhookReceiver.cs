using Microsoft.AspNetCore.Hosting;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sparkle.GraphQL.Tests;

/// <summary>A real HTTP endpoint that records webhook calls; /flaky fails the first FailFirst calls with
/// 500, /down always fails, /redirect answers 302 to /flaky.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _flakyCalls;

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
    }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public int FailFirst { get; set; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{path}", async (HttpContext context, string path) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (path == "redirect")
            {
                receiver.Received.Enqueue(new ReceivedWebhook(path, "", "", "", body, 302));
                return Results.Redirect("/flaky", permanent: false, preserveMethod: true);
            }
            var fail = path == "down" || (path == "flaky" && Interlocked.Increment(ref receiver._flakyCalls) <= receiver.FailFirst);
            receiver.Received.Enqueue(new ReceivedWebhook(path, context.Request.Headers["Sparkle-Event"].ToString(),
                context.Request.Headers["Sparkle-Signature"].ToString(), context.Request.Headers["Sparkle-Delivery"].ToString(), body, fail ? 500 : 200));
            return fail ? Results.StatusCode(500) : Results.Ok();
        });
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
