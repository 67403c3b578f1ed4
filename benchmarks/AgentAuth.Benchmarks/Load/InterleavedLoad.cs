using System.Globalization;
using System.Net;
using System.Text;
using AgentAuth.AspNetCore;
using AgentAuth.Benchmarks.Infrastructure;
using AgentAuth.Client;
using AgentAuth.HttpSignatures;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ResourceApi;

namespace AgentAuth.Benchmarks.Load;

/// <summary>
/// Kestrel loopback throughput of four kinds of request in one interleaved run (issue 22): no authentication
/// (<c>GET /health</c>), signed (distinct pre-signed Ed25519 requests, nonces replay-checked), a cached bearer token
/// (AgentAuth, the same ES256 token every time) and the same token through the real JwtBearer handler
/// (<c>GET /whoami-jwt</c>, static key). All four hit one <c>samples/ResourceApi</c> host; every round runs each kind for a
/// short phase, in an order rotated per round, so a slow stretch of the shared machine lands on all four alike.
/// </summary>
public static class InterleavedLoad
{
    private const string Prefix = "Authentication:Schemes:AgentAuth:";

    /// <summary><c>load-mix [rounds] [seconds per phase] [concurrency] [out.md]</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 6;
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 32;
        const int PerPhase = 20000;

        using var credentials = new BenchmarkCredentials();
        await using var jwks = await JwksServer.StartAsync(new Dictionary<string, string>
        {
            ["/agents/jwks.json"] = credentials.AgentJwks,
            ["/issuer/jwks.json"] = credentials.IssuerJwks,
        });
        var app = ResourceApiApp.Build([], builder =>
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [Prefix + "AgentKeys:JwksUri"] = jwks.BaseAddress + "/agents/jwks.json",
                [Prefix + "AgentKeys:RequireHttpsMetadata"] = "false",
                [Prefix + "AllowSignatureOnly"] = "true",
                [Prefix + "Signatures:RequireNonce"] = "true",
                [Prefix + "AllowBearerTokens"] = "true",
                [Prefix + "Audiences:0"] = BenchmarkCredentials.Audience,
                [Prefix + "Issuers:0:Issuer"] = BenchmarkCredentials.Issuer,
                [Prefix + "Issuers:0:JwksUri"] = jwks.BaseAddress + "/issuer/jwks.json",
                [Prefix + "Issuers:0:RequireHttpsMetadata"] = "false",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
            // One agent key sends every signed request of the run (about 40 000 nonces within the signature window): the
            // default per-key share of the replay store (a tenth of it) would refuse most of them with 429.
            builder.Services.Configure<MemoryReplayCacheOptions>(o => { o.SizeLimit = 1_000_000; o.PerKeyLimit = o.SizeLimit; });
            builder.Services.AddAuthentication().AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = AuthenticationHarness.Es256Parameters(credentials);
            });
        });
        // The same endpoint as /whoami, authenticated by JwtBearer instead.
        app.MapGet("/whoami-jwt", (System.Security.Claims.ClaimsPrincipal user) => Results.Ok(WhoAmI.From(user)))
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser());
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false, AllowAutoRedirect = false };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

            var token = credentials.MintBearerEs256Token();
            var health = new Uri(address + "/health");
            var whoAmI = new Uri(address + "/whoami");
            var whoAmIJwt = new Uri(address + "/whoami-jwt");
            HttpRequestMessage Bearer(Uri uri)
            {
                var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
                return request;
            }

            // Distinct signed requests (one nonce each), signed before any phase: one set per round, plus a warm-up set.
            var signer = new HttpMessageSigner();
            var components = new[] { SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path };
            HttpRequestMessage[] SignBatch(int count, string prefix)
            {
                var batch = new HttpRequestMessage[count];
                for (var i = 0; i < count; i++)
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, whoAmI);
                    var headers = signer.Sign(new HttpRequestMessageAdapter(request), "sig1", components,
                        new SignatureParameters { Nonce = prefix + i.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N") }, credentials.AgentKey);
                    request.Headers.TryAddWithoutValidation("Signature-Input", headers.SignatureInput);
                    request.Headers.TryAddWithoutValidation("Signature", headers.Signature);
                    batch[i] = request;
                }
                return batch;
            }

            var kinds = new (string Name, Func<int, int, HttpRequestMessage> Create)[4];
            // Each round's batch is signed just before the round (untimed): signed all at once on a loaded machine, the
            // last rounds' signatures outlived the signature window (60 s) and were refused.
            var signedBatches = new HttpRequestMessage[rounds + 1][];
            signedBatches[rounds] = SignBatch(PerPhase, "warm-");
            kinds[0] = ("no authentication, `GET /health`", (_, _) => new HttpRequestMessage(HttpMethod.Get, health));
            kinds[1] = ("AgentAuth signed (Ed25519, distinct nonces), `GET /whoami`", (round, i) => signedBatches[round][i]);
            kinds[2] = ("AgentAuth bearer ES256, token cache warm, `GET /whoami`", (_, _) => Bearer(whoAmI));
            kinds[3] = ("JwtBearer 10.0.15 bearer ES256, static key, `GET /whoami-jwt`", (_, _) => Bearer(whoAmIJwt));

            var failures = 0;
            foreach (var (name, create) in kinds)
            {
                using var probe = await client.SendAsync(create(rounds, PerPhase - 1));
                if (probe.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException(name + " answered " + (int)probe.StatusCode + " " + string.Join(", ", probe.Headers.WwwAuthenticate) + " " + await probe.Content.ReadAsStringAsync());
                }
            }
            // Warm-up: every kind once for a short phase (round index `rounds` is the warm-up batch of signed requests).
            foreach (var (_, create) in kinds)
            {
                failures += (await LoadTest.RunPhaseAsync(client, i => create(rounds, i), 500, TimeSpan.FromSeconds(5), concurrency)).Failures;
            }
            var throughput = new double[kinds.Length, rounds];
            var kindFailures = new int[kinds.Length];
            for (var r = 0; r < rounds; r++)
            {
                signedBatches[r] = SignBatch(PerPhase, "r" + r.ToString(CultureInfo.InvariantCulture) + "-");
                for (var k = 0; k < kinds.Length; k++)
                {
                    var kind = (k + r) % kinds.Length;
                    var round = r;
                    var phase = await LoadTest.RunPhaseAsync(client, i => kinds[kind].Create(round, i), PerPhase, TimeSpan.FromSeconds(seconds), concurrency);
                    failures += phase.Failures;
                    kindFailures[kind] += phase.Failures;
                    throughput[kind, r] = phase.Throughput;
                }
            }

            var text = new StringBuilder();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"Kestrel loopback, `samples/ResourceApi`, {concurrency} concurrent requests, {rounds} interleaved rounds of {seconds:0.#} s (at most {PerPhase} requests) per kind, order rotated per round, {Environment.ProcessorCount} cores shared by client and server, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
            text.AppendLine();
            text.AppendLine("| request | throughput per round (req/s) | median | median of per-round ratio to no authentication | failures |");
            text.AppendLine("|---|---|---|---|---|");
            for (var k = 0; k < kinds.Length; k++)
            {
                var values = new double[rounds];
                var ratios = new double[rounds];
                for (var r = 0; r < rounds; r++)
                {
                    values[r] = throughput[k, r];
                    ratios[r] = throughput[k, r] / throughput[0, r];
                }
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {kinds[k].Name} | {string.Join(", ", values.Select(v => v.ToString("0", CultureInfo.InvariantCulture)))} | {Median(values):0} | {Median(ratios):0.000} | {kindFailures[k]} |"));
            }
            text.AppendLine();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Failures (non-200 or errors): {failures}."));
            Console.WriteLine(text);
            if (args.Length > 3)
            {
                await File.WriteAllTextAsync(args[3], text.ToString());
            }
            foreach (var batch in signedBatches.Where(b => b is not null))
            {
                foreach (var request in batch)
                {
                    request.Dispose();
                }
            }
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
