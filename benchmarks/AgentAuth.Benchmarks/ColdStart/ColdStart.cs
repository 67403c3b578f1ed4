using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AgentAuth.AspNetCore;
using AgentAuth.Benchmarks.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.Benchmarks.ColdStart;

/// <summary>
/// Host startup + first authenticated request, each in a fresh process: AgentAuth's bearer mode against the real
/// JwtBearer handler, both with the issuer's keys from the same loopback JWKS (JwtBearer through the OpenID discovery
/// document that names it, AgentAuth through its JWKS URL), alternating the two in rounds so both see the same load.
/// The parent serves the keys and mints the token; each child builds a minimal app (authentication, authorization, one
/// endpoint), starts Kestrel on loopback, sends one bearer request and prints what it took.
/// </summary>
public static class ColdStartTest
{
    public const string AgentAuthKind = "agentauth";
    public const string JwtBearerKind = "jwtbearer";

    /// <summary><c>coldstart [rounds]</c>: runs the alternating rounds and prints a markdown table.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 6;
        using var credentials = new BenchmarkCredentials();
        await using var jwks = await JwksServer.StartAsync(new Dictionary<string, string>
        {
            ["/issuer/jwks.json"] = credentials.IssuerJwks,
            ["/.well-known/openid-configuration"] = "{\"issuer\":\"" + BenchmarkCredentials.Issuer + "\",\"jwks_uri\":\"{base}/issuer/jwks.json\"}",
        });
        var token = credentials.MintBearerEs256Token();
        var results = new Dictionary<string, List<Measurement>> { [AgentAuthKind] = [], [JwtBearerKind] = [] };
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which goes first, so neither always follows the other.
            string[] order = round % 2 == 0 ? [AgentAuthKind, JwtBearerKind] : [JwtBearerKind, AgentAuthKind];
            foreach (var kind in order)
            {
                var measurement = await RunChildAsync(kind, jwks.BaseAddress, token);
                results[kind].Add(measurement);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1} {kind}: {measurement}"));
            }
        }
        var text = new StringBuilder();
        text.AppendLine("| cold start, fresh process, median of " + rounds + " alternating rounds | AgentAuth (bearer, issuer JWKS URL) | JwtBearer 10.0.15 (discovery + JWKS) | ratio |");
        text.AppendLine("|---|---|---|---|");
        void Row(string name, Func<Measurement, double> select)
        {
            var a = Median(results[AgentAuthKind].Select(select));
            var j = Median(results[JwtBearerKind].Select(select));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {a:0.0} ms | {j:0.0} ms | {a / j:0.00} |"));
        }
        Row("scheme options resolved (configure, post-configure, validate)", m => m.OptionsMs);
        Row("host built and started (Build + StartAsync)", m => m.StartupMs);
        Row("first authenticated request (incl. key fetch)", m => m.FirstRequestMs);
        Row("**host startup + first request**", m => m.StartupMs + m.FirstRequestMs);
        Row("process CPU time: scheme options resolved", m => m.CpuOptionsMs);
        Row("process CPU time: spawn to host started", m => m.CpuStartupMs);
        Row("process CPU time: first request", m => m.CpuMs - m.CpuStartupMs);
        Row("process CPU time up to the first response (all threads)", m => m.CpuMs);
        Row("whole child process (spawn to exit, parent's clock)", m => m.ProcessMs);
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Median of the per-round ratios AgentAuth / JwtBearer: host startup + first request {Median(results[AgentAuthKind].Zip(results[JwtBearerKind], (a, j) => (a.StartupMs + a.FirstRequestMs) / (j.StartupMs + j.FirstRequestMs))):0.00}, process CPU {Median(results[AgentAuthKind].Zip(results[JwtBearerKind], (a, j) => a.CpuMs / j.CpuMs)):0.00}."));
        text.AppendLine("Each round: " + string.Join("; ", results[AgentAuthKind].Zip(results[JwtBearerKind], (a, j) =>
            string.Create(CultureInfo.InvariantCulture, $"{a.StartupMs + a.FirstRequestMs:0} vs {j.StartupMs + j.FirstRequestMs:0}"))) + " ms (AgentAuth vs JwtBearer).");
        Console.WriteLine(text);
        if (args.Length > 1)
        {
            await File.WriteAllTextAsync(args[1], text.ToString());
        }
        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<Measurement> RunChildAsync(string kind, string jwksBase, string token)
    {
        var start = Stopwatch.GetTimestamp();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(ColdStartTest).Assembly.Location);
        info.ArgumentList.Add("coldstart-child");
        info.ArgumentList.Add(kind);
        info.ArgumentList.Add(jwksBase);
        info.ArgumentList.Add(token);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var processMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("The " + kind + " cold-start child failed (" + process.ExitCode + "): " + output + error);
        }
        if (error.Length > 0)
        {
            Console.Error.Write(error);
        }
        var parts = output.Trim().Split(' ');
        return new Measurement(double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture),
            double.Parse(parts[2], CultureInfo.InvariantCulture), double.Parse(parts[3], CultureInfo.InvariantCulture),
            double.Parse(parts[4], CultureInfo.InvariantCulture), double.Parse(parts[5], CultureInfo.InvariantCulture), processMs);
    }

    /// <summary>
    /// <c>coldstart-child kind jwksBase token</c>: one cold start. Prints the scheme's options resolution, Build + StartAsync
    /// (which includes it: <c>ValidateOnStart</c> resolves the options), and the first request, in milliseconds.
    /// </summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var (kind, jwksBase, token) = (args[0], args[1], args[2]);
        var start = Stopwatch.GetTimestamp();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var authentication = builder.Services.AddAuthentication(kind == AgentAuthKind ? AgentAuthDefaults.AuthenticationScheme : JwtBearerDefaults.AuthenticationScheme);
        if (kind == AgentAuthKind)
        {
            authentication.AddAgentAuth(o =>
            {
                o.Issuers.Add(new TokenIssuerOptions { Issuer = BenchmarkCredentials.Issuer, JwksUri = jwksBase + "/issuer/jwks.json", RequireHttpsMetadata = false });
                o.Audiences.Add(BenchmarkCredentials.Audience);
                o.AllowBearerTokens = true;
            });
        }
        else
        {
            authentication.AddJwtBearer(o =>
            {
                o.MetadataAddress = jwksBase + "/.well-known/openid-configuration";
                o.RequireHttpsMetadata = false;
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = BenchmarkCredentials.Issuer,
                    ValidAudience = BenchmarkCredentials.Audience,
                    ValidAlgorithms = ["ES256"],
                    ValidTypes = ["at+jwt"],
                };
            });
        }
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/whoami", (HttpContext context) => context.User.FindFirst("sub")?.Value ?? "?").RequireAuthorization();

        // AGENTAUTH_COLDSTART_STEPS=1: before the options are resolved, time alone the first call of what their
        // post-configure and validation run (each first call pays its JIT), so a profile of startup can be read by step.
        if (kind == AgentAuthKind && Environment.GetEnvironmentVariable("AGENTAUTH_COLDSTART_STEPS") == "1")
        {
            await Console.Error.WriteLineAsync(StartupSteps.Measure());
        }

        // Resolving the scheme's options here runs what StartAsync's ValidateOnStart would (configure, post-configure,
        // validate) and times it alone; StartAsync then finds them cached, so the sum is unchanged.
        var optionsStart = Stopwatch.GetTimestamp();
        var cpuBeforeOptions = ProcessCpuMs();
        if (kind == AgentAuthKind)
        {
            _ = app.Services.GetRequiredService<IOptionsMonitor<AgentAuthOptions>>().Get(AgentAuthDefaults.AuthenticationScheme);
        }
        else
        {
            _ = app.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        }
        var optionsMs = Stopwatch.GetElapsedTime(optionsStart).TotalMilliseconds;
        var cpuOptionsMs = ProcessCpuMs() - cpuBeforeOptions;

        await app.StartAsync();
        var startupMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var cpuStartupMs = ProcessCpuMs();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var requestStart = Stopwatch.GetTimestamp();
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, address.TrimEnd('/') + "/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var firstRequestMs = Stopwatch.GetElapsedTime(requestStart).TotalMilliseconds;
        // CPU time of the whole process so far (every thread: JIT, type loading, the tier-up thread), which other tenants'
        // load on the shared machine stretches far less than the wall-clock figures above.
        var cpuMs = ProcessCpuMs();
        await app.StopAsync();
        if (response.StatusCode != HttpStatusCode.OK || body != "agent-1")
        {
            await Console.Error.WriteLineAsync("The first request was not authenticated: " + (int)response.StatusCode + " " + body);
            return 1;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{optionsMs:0.00} {startupMs:0.00} {firstRequestMs:0.00} {cpuMs:0.00} {cpuOptionsMs:0.00} {cpuStartupMs:0.00}"));
        return 0;
    }

    private static double ProcessCpuMs() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    private readonly record struct Measurement(double OptionsMs, double StartupMs, double FirstRequestMs, double CpuMs,
        double CpuOptionsMs, double CpuStartupMs, double ProcessMs)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"options {OptionsMs:0.0} ms, startup {StartupMs:0.0} ms, first request {FirstRequestMs:0.0} ms, CPU {CpuMs:0} ms (options {CpuOptionsMs:0}, to started {CpuStartupMs:0}), process {ProcessMs:0} ms");
    }
}
