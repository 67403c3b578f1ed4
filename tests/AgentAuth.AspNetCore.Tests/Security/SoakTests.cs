using System.Globalization;
using System.Net;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// A bounded soak over Kestrel on loopback: pre-signed requests (signed, signed with a fresh nonce, replayed, bearer,
/// forged) sent with 8-way concurrency. Bounded by request count (<c>AGENTAUTH_SOAK_REQUESTS</c>, default 20 000), never
/// by wall-clock time. Every response must be the expected one, and the managed heap after a full collection must not grow
/// by more than a few MiB between the first and the last quarter (the caches are bounded).
/// </summary>
public sealed class SoakTests
{
    private readonly ITestOutputHelper _output;

    public SoakTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Loopback_soak_has_no_errors_and_flat_memory()
    {
        var total = int.TryParse(Environment.GetEnvironmentVariable("AGENTAUTH_SOAK_REQUESTS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 20_000;

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(SecurityApp.Now));
        builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme).AddAgentAuth(options =>
        {
            options.PublicOrigin = "https://" + SecurityApp.Authority;
            options.AllowBearerTokens = true;
            options.AgentKeys.JsonWebKeySet = SecurityApp.AgentJwks();
            options.Audiences.Add(TestTokens.Audience);
            options.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(SecurityApp.IssuerKey, null)) });
        });
        await using var app = builder.Build();
        app.UseAuthentication();
        app.Run(async context =>
        {
            if (context.User.Identity?.IsAuthenticated == true)
            {
                await context.Response.WriteAsync("ok");
                return;
            }
            await context.ChallengeAsync();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        // Pre-signed work: one request in five carries a fresh nonce, one in ten replays a spent nonce, one in ten is forged.
        var work = new (TestRequest Request, HttpStatusCode Expected)[total];
        var plain = TestRequest.Get("/data?page=1").Sign(SecurityApp.AgentKey);
        var bearer = TestRequest.Get().Set("authorization", "Bearer " + SecurityApp.Token());
        var spent = TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { Nonce = "spent" });
        var forged = TestRequest.Get().Sign(SecurityApp.StrangerKey);
        for (var i = 0; i < total; i++)
        {
            work[i] = (i % 10) switch
            {
                0 or 5 => (TestRequest.Get().Sign(SecurityApp.AgentKey, new SignatureParameters { Nonce = "n" + i.ToString(CultureInfo.InvariantCulture) }), HttpStatusCode.OK),
                3 => (spent, i == 3 ? HttpStatusCode.OK : HttpStatusCode.Unauthorized),
                7 => (forged, HttpStatusCode.Unauthorized),
                8 => (bearer, HttpStatusCode.OK),
                _ => (plain, HttpStatusCode.OK),
            };
        }

        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        async Task RunAsync(int start, int end)
        {
            var cursor = start - 1;
            var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref cursor)) < end)
                {
                    var (request, expected) = work[index];
                    using var message = request.ToHttpRequestMessage(address);
                    using var response = await client.SendAsync(message);
                    if (response.StatusCode != expected)
                    {
                        failures.Enqueue(index + ": " + response.StatusCode + " instead of " + expected);
                    }
                }
            })).ToArray();
            await Task.WhenAll(workers);
        }

        // The spent nonce is first used at index 3, before any replay of it can be scheduled.
        var warmup = Math.Min(4, total);
        await RunAsync(0, warmup);
        await RunAsync(warmup, Math.Max(warmup, total / 4));
        var firstQuarterHeap = GC.GetTotalMemory(forceFullCollection: true);
        await RunAsync(Math.Max(warmup, total / 4), total);
        var lastHeap = GC.GetTotalMemory(forceFullCollection: true);
        await app.StopAsync();

        _output.WriteLine($"soak requests={total} heap after first quarter={firstQuarterHeap / 1024} KiB, at end={lastHeap / 1024} KiB");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
        // Nonces are remembered for their window (3/4 of 2 in 10 requests here); everything else must not accumulate.
        Assert.True(lastHeap - firstQuarterHeap < 16L * 1024 * 1024, $"heap grew from {firstQuarterHeap} to {lastHeap} bytes");
    }
}
