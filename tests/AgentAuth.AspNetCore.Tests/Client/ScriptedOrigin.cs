using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore.Tests.Client;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (its own port, so its own origin) that records every request it receives and answers
/// with a script: the request's index (0 for the first) and context go to <c>respond</c>. Stands in for another origin, a
/// redirector or a misbehaving API.
/// </summary>
internal sealed class ScriptedOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests;

    private ScriptedOrigin(WebApplication app, ConcurrentQueue<RecordedRequest> requests, Uri baseAddress)
    {
        _app = app;
        _requests = requests;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<ScriptedOrigin> StartAsync(Func<HttpContext, int, Task> respond)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var requests = new ConcurrentQueue<RecordedRequest>();
        var count = -1;
        app.Run(async context =>
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in context.Request.Headers)
            {
                headers[header.Key] = header.Value.ToString();
            }
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));
            await respond(context, Interlocked.Increment(ref count));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ScriptedOrigin(app, requests, new Uri(address));
    }

    /// <summary>Answers every request with a redirect to <paramref name="location"/>.</summary>
    public static Task<ScriptedOrigin> RedirectingAsync(int status, Func<Uri> location) =>
        StartAsync((context, _) =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = location().ToString();
            return Task.CompletedTask;
        });

    /// <summary>Answers every request with 200 and a short text.</summary>
    public static Task<ScriptedOrigin> LandingAsync() =>
        StartAsync((context, _) => context.Response.WriteAsync("landed"));

    /// <summary>A transport that connects every request to <paramref name="port"/> on 127.0.0.1, whatever host the URI names.</summary>
    public static SocketsHttpHandler LoopbackTransport(int port) => new()
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>The claims of the DPoP proof a request carried, or <see langword="null"/> without one.</summary>
    public static JsonElement? ProofPayload(RecordedRequest request)
    {
        if (!request.Headers.TryGetValue("DPoP", out var proof))
        {
            return null;
        }
        using var payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(proof.Split('.')[1]));
        return payload.RootElement.Clone();
    }

    /// <summary>The <c>nonce</c> claim of the DPoP proof a request carried, or <see langword="null"/>.</summary>
    public static string? ProofNonce(RecordedRequest request) =>
        ProofPayload(request) is { } payload && payload.TryGetProperty("nonce", out var nonce) ? nonce.GetString() : null;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>Whether any header that proves or carries the agent's identity arrived.</summary>
    public bool HasCredentials =>
        Headers.ContainsKey("Signature") || Headers.ContainsKey("Signature-Input") || Headers.ContainsKey("DPoP") || Headers.ContainsKey("Authorization");
}
