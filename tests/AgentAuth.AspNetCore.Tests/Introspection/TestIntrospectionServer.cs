using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore.Tests.Introspection;

/// <summary>
/// A loopback authorization server / agent broker on real Kestrel: <c>POST /introspect</c> (RFC 7662 §2),
/// <c>POST /v1/token/validate</c> and <c>POST /v1/token/release</c> (AgentWrit's shape), and RFC 8414 metadata. Tests
/// register tokens with their claims, release them, switch the server to fail (down, slow, garbage, redirect), and read
/// what the server received (calls, form fields, Authorization header, JSON body).
/// </summary>
internal sealed class TestIntrospectionServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _tokens = new(StringComparer.Ordinal);
    private int _calls;

    private TestIntrospectionServer(WebApplication app) => _app = app;

    public string BaseAddress { get; private set; } = "";

    public string IntrospectionEndpoint => BaseAddress + "/introspect";

    public string ValidateEndpoint => BaseAddress + "/v1/token/validate";

    public int Calls => Volatile.Read(ref _calls);

    public ServerMode Mode { get; set; }

    /// <summary>When set, every call waits for it before answering (to hold calls in flight).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Completed when a call has arrived (reset by the test).</summary>
    public TaskCompletionSource Arrived { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<ReceivedCall> Received { get; } = new();

    public enum ServerMode
    {
        Normal,
        Down,
        Garbage,
        Redirect,
        Huge,
    }

    internal sealed record ReceivedCall(string Path, string? Authorization, string ContentType, Dictionary<string, string> Form, string Body);

    public static async Task<TestIntrospectionServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new TestIntrospectionServer(app);
        app.MapPost("/introspect", server.IntrospectAsync);
        app.MapPost("/v1/token/validate", server.ValidateAsync);
        app.MapPost("/v1/token/release", server.ReleaseAsync);
        app.MapGet("/.well-known/oauth-authorization-server", (HttpContext context) => Results.Text(
            new JsonObject { ["issuer"] = server.BaseAddress, ["introspection_endpoint"] = server.IntrospectionEndpoint }.ToJsonString(), "application/json"));
        await app.StartAsync();
        server.BaseAddress = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        return server;
    }

    /// <summary>Registers an active token with its claims (as the answer will carry them).</summary>
    public void Issue(string token, JsonObject claims) => _tokens[token] = claims;

    public void Release(string token) => _tokens.TryRemove(token, out _);

    private async Task<ReceivedCall> RecordAsync(HttpContext context)
    {
        Interlocked.Increment(ref _calls);
        var request = context.Request;
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        var body = "";
        if (request.HasFormContentType)
        {
            foreach (var pair in await request.ReadFormAsync())
            {
                form[pair.Key] = pair.Value.ToString();
            }
        }
        else
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync();
        }
        var call = new ReceivedCall(request.Path.Value!, request.Headers.Authorization.ToString(), request.ContentType ?? "", form, body);
        Received.Enqueue(call);
        Arrived.TrySetResult();
        if (Hold is { } hold)
        {
            await hold.Task;
        }
        return call;
    }

    private async Task IntrospectAsync(HttpContext context)
    {
        var call = await RecordAsync(context);
        if (await FailedAsync(context))
        {
            return;
        }
        // RFC 7662 §2.2: an unknown or released token is {"active": false}, answered 200.
        var answer = call.Form.TryGetValue("token", out var token) && _tokens.TryGetValue(token, out var claims)
            ? With(claims, "active", true)
            : new JsonObject { ["active"] = false };
        await WriteAsync(context, 200, answer.ToJsonString());
    }

    private async Task ValidateAsync(HttpContext context)
    {
        var call = await RecordAsync(context);
        if (await FailedAsync(context))
        {
            return;
        }
        string? token = null;
        try
        {
            token = JsonNode.Parse(call.Body)?["token"]?.GetValue<string>();
        }
        catch (JsonException)
        {
        }
        if (token is not null && _tokens.TryGetValue(token, out var claims))
        {
            await WriteAsync(context, 200, new JsonObject { ["valid"] = true, ["claims"] = claims.DeepClone() }.ToJsonString());
        }
        else
        {
            await WriteAsync(context, 200, new JsonObject { ["valid"] = false, ["error"] = "token is revoked or unknown" }.ToJsonString());
        }
    }

    private async Task ReleaseAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            Release(authorization["Bearer ".Length..]);
        }
        context.Response.StatusCode = 204;
        await Task.CompletedTask;
    }

    private async Task<bool> FailedAsync(HttpContext context)
    {
        switch (Mode)
        {
            case ServerMode.Down:
                await WriteAsync(context, 503, "{\"error\":\"down\"}");
                return true;
            case ServerMode.Garbage:
                await WriteAsync(context, 200, "<html>not json</html>");
                return true;
            case ServerMode.Redirect:
                context.Response.Redirect(BaseAddress + "/elsewhere");
                return true;
            case ServerMode.Huge:
                await WriteAsync(context, 200, "{\"active\":true,\"pad\":\"" + new string('x', 200_000) + "\"}");
                return true;
            default:
                return false;
        }
    }

    private static JsonObject With(JsonObject claims, string name, bool value)
    {
        var copy = claims.DeepClone().AsObject();
        copy[name] = value;
        return copy;
    }

    private static async Task WriteAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        Hold?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
