using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentAuth.Benchmarks.Infrastructure;

/// <summary>An in-process RFC 7662 endpoint: <see cref="OpaqueToken"/> is active, anything else is not. Counts its calls.</summary>
public sealed class IntrospectionEndpointHandler : HttpMessageHandler
{
    public const string Issuer = "https://as.bench.example";
    public const string Endpoint = "https://as.bench.example/introspect";
    public const string OpaqueToken = "op_3q2+7wNh4Kc1fJ0yXb8LmQeRt5Vz9sUa";

    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        var form = await request.Content!.ReadAsStringAsync(cancellationToken);
        var active = form.Contains("token=" + Uri.EscapeDataString(OpaqueToken), StringComparison.Ordinal);
        var answer = active
            ? new JsonObject
            {
                ["active"] = true,
                ["iss"] = Issuer,
                ["sub"] = "agent-bench",
                ["aud"] = BenchmarkCredentials.Audience,
                ["client_id"] = "bench-client",
                ["scope"] = "orders:read orders:write",
                ["exp"] = DateTimeOffset.UtcNow.AddDays(2).ToUnixTimeSeconds(),
            }
            : new JsonObject { ["active"] = false };
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/json") };
    }
}
