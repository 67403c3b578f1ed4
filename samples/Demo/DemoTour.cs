using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentAuth.Client;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ResourceApi;

namespace AgentAuth.Demo;

/// <summary>
/// Starts a development token issuer, the sample resource API and an agent in one process (loopback, ports chosen at
/// runtime), runs the scripted tour and prints one table row per scenario.
/// </summary>
public static class DemoTour
{
    /// <summary>The audience (<c>aud</c>) the resource API accepts.</summary>
    public const string Audience = "urn:agentauth-demo:resource-api";

    private const string AgentKeyId = "demo-agent";

    /// <summary>The LumoAuth agent's identifier, registered with the resource's LumoAuth profile with its JWKS.</summary>
    private const string LumoAuthAgentId = "https://lumo-agent.demo.example";

    /// <summary>Runs the tour; returns 0 when every outcome is the expected one, 1 otherwise.</summary>
    /// <param name="output">Where the table goes.</param>
    /// <param name="cancellationToken">Stops the tour.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        var results = await RunScenariosAsync(output, cancellationToken);
        Print(output, results);
        var failed = results.Count(r => !r.Matches);
        output.WriteLine(failed == 0
            ? $"All {results.Count} outcomes are the expected ones."
            : $"{failed} of {results.Count} outcomes differ from the expected ones (marked with !).");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Runs every scenario and returns the rows (without printing the table).</summary>
    /// <param name="log">Where the setup lines go.</param>
    /// <param name="cancellationToken">Stops the tour.</param>
    /// <returns>One result per scenario.</returns>
    public static async Task<IReadOnlyList<ScenarioResult>> RunScenariosAsync(TextWriter log, CancellationToken cancellationToken = default)
    {
        var time = TimeProvider.System;
        await using var issuer = await DevTokenIssuer.StartAsync(time, cancellationToken);
        // A LumoAuth agent (its key registered with the resource under its agent identifier, kid key-1).
        using var lumoAuthKey = SignatureKey.GenerateEd25519("key-1");
        await using var crawler = await DevCrawler.StartAsync(time, cancellationToken);
        await using var resource = ResourceApiApp.Build([], builder =>
        {
            // Only what the demo sets: no appsettings.json, no environment variables.
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(ResourceConfiguration(issuer, lumoAuthKey, crawler));
            // The crawler operator's directory has a self-signed certificate: trust it, for this scheme's fetches only.
            builder.Services.Configure<AgentAuth.AspNetCore.AgentAuthOptions>("WebBots", o => o.BackchannelHttpHandler = crawler.TrustingHandler());
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            // DPoP nonces are protected with Data Protection; keep its keys in memory so the demo writes no files.
            builder.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        });
        // The scheme's own metrics (meter AgentAuth.AspNetCore), read the way an OpenTelemetry exporter would be fed.
        using var authentications = new AuthenticationCounts(resource.Services.GetRequiredService<IMeterFactory>());
        await resource.StartAsync(cancellationToken);
        var resourceUrl = new Uri(resource.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var agentKey = SignatureKey.GenerateEd25519(AgentKeyId);
        using var strangerKey = SignatureKey.GenerateEd25519("another-agent");
        using var plain = new HttpClient { BaseAddress = resourceUrl };

        log.WriteLine("AgentAuth demo: one process, four parts on loopback.");
        log.WriteLine($"  token issuer   {issuer.Url}  (JWKS {issuer.JwksUri}, Ed25519 key made at startup)");
        log.WriteLine($"  resource API   {resourceUrl.ToString().TrimEnd('/')}  (samples/ResourceApi, aud {Audience})");
        log.WriteLine($"  agent key      Ed25519, keyid {AgentKeyId}, thumbprint {agentKey.Thumbprint}");
        log.WriteLine($"  crawler        Web Bot Auth operator {crawler.Origin} (signed key directory), key thumbprint {crawler.Thumbprint}");
        log.WriteLine();

        // The agent asks the issuer for tokens bound to its key: cnf.jwk (its public key) for signed requests,
        // cnf.jkt (its thumbprint) for DPoP, where each proof carries the public key.
        async Task<string> Token(string scope, string audience = Audience, string? actor = null, bool dpop = false, string? jwk = null, SignatureKey? key = null)
        {
            var request = dpop
                ? new TokenRequest("agent:report-writer", audience, scope, agentKey.Thumbprint, null, actor)
                : new TokenRequest("agent:report-writer", audience, scope, null, jwk ?? (key ?? agentKey).ExportPublicJwkJson(), actor);
            using var response = await plain.PostAsJsonAsync(issuer.Url + "/token", request, DemoJsonContext.Default.TokenRequest, cancellationToken);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync(DemoJsonContext.Default.TokenResponse, cancellationToken))!.AccessToken;
        }

        var readAll = await Token("read:data:*", actor: "user:alice");
        var readTwo = await Token("read:data:2");
        var readWrite = await Token("read:data:* write:data:*");
        var otherAudience = await Token("read:data:*", audience: "urn:agentauth-demo:another-api");
        var dpopToken = await Token("read:data:*", actor: "user:alice", dpop: true);
        var lumoAuthToken = await Token("read:data:*", key: lumoAuthKey);

        // The agent's HttpClients come from IHttpClientFactory, each signing with AddAgentAuthSigning.
        var services = new ServiceCollection();
        services.AddSingleton(time);
        var recorder = new RecordingHandler();
        var dpopCounter = new RecordingHandler();
        void Client(string name, SignatureKey key, string token, bool dpop = false, DelegatingHandler? inner = null)
        {
            var builder = services.AddHttpClient(name, c => c.BaseAddress = resourceUrl)
                .AddAgentAuthSigning(o =>
                {
                    o.Key = key;
                    o.AccessToken = token;
                    o.UseDPoP = dpop;
                });
            if (inner is not null)
            {
                // Pooled handlers are recreated by the factory; these are shared on purpose and outlive the tour's clients.
                builder.AddHttpMessageHandler(() => inner);
                builder.SetHandlerLifetime(Timeout.InfiniteTimeSpan);
            }
        }
        Client("reader", agentKey, readAll, inner: recorder);
        Client("reader-of-2", agentKey, readTwo);
        Client("writer", agentKey, readWrite, inner: new TamperingHandler());
        Client("reader-no-write", agentKey, readAll);
        Client("stranger", strangerKey, readAll);
        Client("wrong-audience", agentKey, otherAudience);
        Client("dpop", agentKey, dpopToken, dpop: true, inner: dpopCounter);
        await using var provider = services.BuildServiceProvider();
        var clients = provider.GetRequiredService<IHttpClientFactory>();

        var results = new List<ScenarioResult>();
        async Task Run(string scenario, HttpClient client, HttpRequestMessage request, HttpStatusCode expected, string? expectedError, Func<HttpResponseMessage, Task<string>>? explain = null, string? note = null)
        {
            using (request)
            using (var response = await client.SendAsync(request, cancellationToken))
            {
                var status = (int)response.StatusCode;
                var (error, text) = ServerReason.Read(response);
                if (response.IsSuccessStatusCode && explain is not null)
                {
                    text = await explain(response);
                }
                if (!response.IsSuccessStatusCode && note is not null)
                {
                    text = text.Length == 0 ? note : text + " (" + note + ")";
                }
                var matches = response.StatusCode == expected && (expectedError is null || string.Equals(error, expectedError, StringComparison.Ordinal));
                var target = request.RequestUri!.IsAbsoluteUri ? request.RequestUri.PathAndQuery : request.RequestUri.OriginalString;
                results.Add(new ScenarioResult(scenario, request.Method.Method + " " + target,
                    ((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture) + (expectedError is null ? string.Empty : " " + expectedError),
                    status, text, matches));
            }
        }
        static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);
        static HttpRequestMessage Post(string path, string json) => new(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

        await Run("health check, no credentials", plain, Get("/health"), HttpStatusCode.OK, null, _ => Task.FromResult("anonymous endpoint"));
        await Run("no credentials on a protected endpoint", plain, Get("/data"), HttpStatusCode.Unauthorized, null,
            note: "challenges offer Signature, Bearer and DPoP");
        await Run("signed request + bound token: who am I", clients.CreateClient("reader"), Get("/whoami"), HttpStatusCode.OK, null, WhoAmIText);
        await Run("allowed read (read:data:*)", clients.CreateClient("reader"), Get("/data"), HttpStatusCode.OK, null, Count);
        await Run("replayed request (same signature, same nonce)", plain, recorder.CreateReplay(), HttpStatusCode.Unauthorized, "invalid_signature",
            note: "the signature's nonce was already used");
        await Run("per-id read (read:data:2)", clients.CreateClient("reader-of-2"), Get("/data/2"), HttpStatusCode.OK, null, _ => Task.FromResult("read:data:2 covers read:data:{id} for id 2"));
        await Run("per-id scope, another id", clients.CreateClient("reader-of-2"), Get("/data/1"), HttpStatusCode.Forbidden, "insufficient_scope");
        await Run("same resource via MVC controller", clients.CreateClient("reader-of-2"), Get("/mvc/data/2"), HttpStatusCode.OK, null, _ => Task.FromResult("[RequireScope(\"read:data:{id}\")] on the controller"));
        await Run("write without the scope", clients.CreateClient("reader-no-write"), Post("/data", "{\"name\":\"gamma\",\"value\":\"10\"}"), HttpStatusCode.Forbidden, "insufficient_scope");
        await Run("write with write:data:* (body digest signed)", clients.CreateClient("writer"), Post("/data", "{\"name\":\"gamma\",\"value\":\"10\"}"), HttpStatusCode.Created, null,
            _ => Task.FromResult("Content-Digest covered by the signature and checked"));
        var tampered = Post("/data", "{\"name\":\"delta\",\"value\":\"10\"}");
        tampered.Options.Set(DemoRequestOptions.Tamper, true);
        await Run("tampered body (changed after signing)", clients.CreateClient("writer"), tampered, HttpStatusCode.Unauthorized, "invalid_token",
            note: "Content-Digest no longer matches the body");
        var bearer = Get("/data");
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", readAll);
        await Run("bound token used without its key", plain, bearer, HttpStatusCode.Unauthorized, "invalid_token");
        await Run("bound token signed with another key", clients.CreateClient("stranger"), Get("/data"), HttpStatusCode.Unauthorized, "invalid_token",
            note: "the token's cnf.jwk did not make this signature");
        await Run("wrong audience", clients.CreateClient("wrong-audience"), Get("/data"), HttpStatusCode.Unauthorized, "invalid_token");
        await Run("DPoP-bound token (server nonce)", clients.CreateClient("dpop"), Get("/whoami"), HttpStatusCode.OK, null,
            async response => await WhoAmIText(response) + $"; {dpopCounter.Sends} sends: use_dpop_nonce, then retried with the nonce");
        await Run("web crawler (Web Bot Auth, signed directory)", plain, crawler.SignedGet(new Uri(resourceUrl, "/crawl")), HttpStatusCode.OK, null, WhoAmIText);
        await Run("crawler naming an operator not allowed", plain, crawler.SignedGet(new Uri(resourceUrl, "/crawl"), "https://crawler.example"),
            HttpStatusCode.Unauthorized, "unknown_key", note: "Signature-Agent origin not in WebBotAuth:Directories:AllowedOrigins; nothing fetched");
        await Run("crawler on an agents-only endpoint", plain, crawler.SignedGet(new Uri(resourceUrl, "/data")), HttpStatusCode.Unauthorized, null,
            note: "only /crawl selects the WebBots scheme");

        // AAuth agents: the key travels in Signature-Key (draft-hardt-httpbis-signature-key-08), covered by the signature.
        var agentJwk = JsonSerializer.Deserialize(agentKey.ExportPublicJwkJson(), DemoJsonContext.Default.DictionaryStringString)!;
        var hwk = $"sig=hwk;kty=\"OKP\";crv=\"Ed25519\";x=\"{agentJwk["x"]}\";alg=\"Ed25519\"";
        var agentToken = await Token("read:data:*", jwk: $"{{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"{agentJwk["x"]}\",\"alg\":\"Ed25519\"}}");
        var aauthNonce = 0;
        HttpRequestMessage AAuth(string path, string signatureKey)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(resourceUrl, path));
            request.Headers.TryAddWithoutValidation("Signature-Key", signatureKey);
            var signed = new HttpMessageSigner().Sign(new HttpRequestMessageAdapter(request), "sig",
                [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path, SignatureComponent.Field("signature-key")],
                new SignatureParameters { OmitKeyId = true, Nonce = "aauth-" + ++aauthNonce }, agentKey);
            request.Headers.TryAddWithoutValidation("Signature-Input", signed.SignatureInput);
            request.Headers.TryAddWithoutValidation("Signature", signed.Signature);
            return request;
        }
        await Run("AAuth pseudonymous agent (hwk): who am I", plain, AAuth("/whoami", hwk), HttpStatusCode.OK, null, WhoAmIText);
        await Run("AAuth pseudonymous agent on an identified-only endpoint", plain, AAuth("/agents/identified", hwk), HttpStatusCode.Forbidden, null,
            note: "an inline key proves only that it is the same key");
        await Run("AAuth identified agent (agent token in Signature-Key)", plain, AAuth("/agents/identified", $"sig=jwt;jwt=\"{agentToken}\""), HttpStatusCode.OK, null, WhoAmIText);
        await Run("AAuth scheme not enabled here (x509)", plain, AAuth("/whoami", "sig=x509;x5u=\"https://agent.example/cert.pem\""), HttpStatusCode.Unauthorized, "unsupported_scheme");

        // LumoAuth agents, accepted by the resource's LumoAuth profile (off unless configured, as here).
        var whoAmI = new Uri(resourceUrl, "/whoami");
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var quickStart = LumoAuthAgent.QuickStart(lumoAuthKey, LumoAuthAgentId, lumoAuthToken, whoAmI, now);
        var quickStartReplay = LumoAuthAgent.QuickStart(lumoAuthKey, LumoAuthAgentId, lumoAuthToken, whoAmI, now);
        await Run("LumoAuth agent, quick start (Agent-Auth)", plain, quickStart, HttpStatusCode.OK, null,
            async response => await WhoAmIText(response) + "; covered lines only, compensated by the profile");
        await Run("LumoAuth quick start replayed", plain, quickStartReplay, HttpStatusCode.Unauthorized, "invalid_signature",
            note: "a signature value is accepted once for the token's lifetime");
        await Run("LumoAuth agent, SDK (base64url, no signature-key)", plain, LumoAuthAgent.Sdk(lumoAuthKey, lumoAuthToken, whoAmI, now), HttpStatusCode.OK, null,
            async response => await WhoAmIText(response) + "; the SDK's two deviations, tenant tokens only");

        await DemoMcp.RunAsync(results, issuer, agentKey, (scope, audience) => Token(scope, audience), log, cancellationToken);

        log.WriteLine(authentications.Summary());
        await resource.StopAsync(cancellationToken);
        return results;
    }

    private static Dictionary<string, string?> ResourceConfiguration(DevTokenIssuer issuer, SignatureKey lumoAuthKey, DevCrawler crawler)
    {
        const string webBots = "Authentication:Schemes:WebBots:WebBotAuth:";
        const string prefix = "Authentication:Schemes:AgentAuth:";
        return new Dictionary<string, string?>
        {
            [prefix + "Issuers:0:Issuer"] = issuer.Url,
            [prefix + "Issuers:0:JwksUri"] = issuer.JwksUri,
            // Loopback HTTP is fine for a local demo; production issuers use HTTPS.
            [prefix + "Issuers:0:RequireHttpsMetadata"] = "false",
            [prefix + "Audiences:0"] = Audience,
            // Bearer tokens are allowed here so the demo shows that a key-bound token is still refused without its key.
            [prefix + "AllowBearerTokens"] = "true",
            [prefix + "Signatures:RequireNonce"] = "true",
            [prefix + "DPoP:RequireNonce"] = "true",
            // AAuth agents: pseudonymous inline keys, and tokens in Signature-Key. The demo issuer mints at+jwt; a real AAuth
            // agent provider mints aa-agent+jwt (the default of AAuth:TokenTypes).
            [prefix + "AAuth:AllowHwk"] = "true",
            [prefix + "AAuth:AllowJwt"] = "true",
            [prefix + "AAuth:TokenTypes:0"] = "at+jwt",

            // The LumoAuth profile (off by default): the dev issuer plays the LumoAuth tenant.
            [prefix + "LumoAuth:Enabled"] = "true",
            [prefix + "LumoAuth:Issuer"] = issuer.Url,
            [prefix + "LumoAuth:Agents:0:Id"] = LumoAuthAgentId,
            [prefix + "LumoAuth:Agents:0:JsonWebKeySet"] = "{\"keys\":[" + lumoAuthKey.ExportPublicJwkJson() + "]}",

            // A second scheme for Web Bot Auth crawlers (GET /crawl): the demo operator's directory is on loopback.
            [webBots + "Enabled"] = "true",
            [webBots + "Directories:AllowedOrigins:0"] = crawler.Origin,
            [webBots + "Directories:AllowPrivateNetworks"] = "true",
            [webBots + "RequireNonce"] = "true",
        };
    }

    private static async Task<string> WhoAmIText(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        var actors = root.GetProperty("actorChain").EnumerateArray().Select(a => a.GetString()).ToArray();
        return $"mode {root.GetProperty("authenticationMode").GetString()}, sub {root.GetProperty("subject").GetString()}"
            + (actors.Length > 0 ? ", acting for " + string.Join(" > ", actors) : string.Empty);
    }

    private static async Task<string> Count(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetArrayLength() + " records";
    }

    private static void Print(TextWriter output, IReadOnlyList<ScenarioResult> results)
    {
        string[] headers = ["#", "Scenario", "Request", "Expected", "Got", "Reason"];
        var rows = results.Select((r, i) => new[]
        {
            (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            r.Scenario,
            r.Request,
            r.Expected,
            r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) + (r.Matches ? "  ok" : "  !"),
            r.Reason,
        }).ToList();
        var widths = headers.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(row => row[c].Length))).ToArray();
        void Line(string[] cells) => output.WriteLine(string.Join(" | ", cells.Select((cell, c) => c == cells.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        Line(headers);
        output.WriteLine(string.Join("-+-", widths.Select((w, c) => new string('-', c == widths.Length - 1 ? Math.Min(w, 40) : w))));
        foreach (var row in rows)
        {
            Line(row);
        }
        output.WriteLine();
    }
}

/// <summary>
/// Counts the measurements of <c>agentauth.authentications</c> (meter <c>AgentAuth.AspNetCore</c>) of one application,
/// by result and error code: the numbers an OpenTelemetry metrics exporter would show for the tour.
/// </summary>
internal sealed class AuthenticationCounts : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly SortedDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public AuthenticationCounts(IMeterFactory meterFactory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == "agentauth.authentications")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string result = "?", error = "none";
            foreach (var tag in tags)
            {
                if (tag.Key == "agentauth.result")
                {
                    result = tag.Value as string ?? result;
                }
                else if (tag.Key == "agentauth.error")
                {
                    error = tag.Value as string ?? error;
                }
            }
            var key = error == "none" ? result : result + " " + error;
            lock (_counts)
            {
                _counts[key] = _counts.GetValueOrDefault(key) + value;
            }
        });
        _listener.Start();
    }

    /// <summary>One line: <c>agentauth.authentications: 9 success, 3 failure invalid_token, …</c>.</summary>
    public string Summary()
    {
        lock (_counts)
        {
            return "Scheme metrics, agentauth.authentications: "
                + string.Join(", ", _counts.Select(pair => pair.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + pair.Key)) + ".";
        }
    }

    public void Dispose() => _listener.Dispose();
}
