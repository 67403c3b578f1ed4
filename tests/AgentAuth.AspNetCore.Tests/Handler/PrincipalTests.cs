using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.Extensions.DependencyInjection;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>The principal built from a token, the validated-token cache, logging and metrics.</summary>
public sealed class PrincipalTests : IAsyncLifetime
{
    private const string Protected = TokenSetup.Protected;
    private readonly TokenSetup _setup = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _setup.DisposeAsync();

    private async Task<JsonObject> AuthenticateBearerAsync(Action<JsonObject> claims)
    {
        var host = _setup.Host ?? await _setup.StartAsync(o => o.AllowBearerTokens = true);
        return await SucceededAsync(await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: _setup.Token(cnf: null, claims))));
    }

    [Fact]
    public async Task Token_claims_keep_their_names_and_scopes_become_one_claim_each()
    {
        var principal = await AuthenticateBearerAsync(c =>
        {
            c["scope"] = "read:data:* write:data:7  read:data:*";
            c["task_id"] = "task-9";
            c["orch_id"] = "orch-3";
            c["email"] = "agent@example.com";
        });

        Assert.Equal("AgentAuth", principal["authenticationType"]!.GetValue<string>());
        Assert.Equal("agent-1", principal["name"]!.GetValue<string>());
        Assert.Equal(["read:data:*", "write:data:7"], ClaimValues(principal, "scope"));
        Assert.Equal(["task-9"], ClaimValues(principal, "task_id"));
        Assert.Equal(["orch-3"], ClaimValues(principal, "orch_id"));
        Assert.Equal(["agent@example.com"], ClaimValues(principal, "email"));
        Assert.Equal([TestTokens.Issuer], ClaimValues(principal, "iss"));
        Assert.Equal(["bearer"], ClaimValues(principal, "auth_method"));
        Assert.Empty(ClaimValues(principal, System.Security.Claims.ClaimTypes.NameIdentifier));
        Assert.Empty(ClaimValues(principal, System.Security.Claims.ClaimTypes.Email));
        Assert.Empty(ClaimValues(principal, "http://schemas.microsoft.com/identity/claims/scope"));
    }

    [Fact]
    public async Task Scope_array_and_scp_become_scope_claims()
    {
        var principal = await AuthenticateBearerAsync(c =>
        {
            c["scope"] = new JsonArray("read:data:1", "read:data:2");
            c["scp"] = "admin:reports:*";
        });

        Assert.Equal(["read:data:1", "read:data:2", "admin:reports:*"], ClaimValues(principal, "scope"));
        Assert.Empty(ClaimValues(principal, "scp"));
    }

    [Fact]
    public async Task Act_chain_becomes_nested_actors()
    {
        var principal = await AuthenticateBearerAsync(c =>
            c["act"] = new JsonObject { ["sub"] = "orchestrator", ["act"] = new JsonObject { ["sub"] = "user-agent" } });

        var actors = principal["actors"]!.AsArray();
        Assert.Equal(2, actors.Count);
        Assert.Equal("[[\"sub\",\"orchestrator\"]]", actors[0]!.ToJsonString());
        Assert.Equal("[[\"sub\",\"user-agent\"]]", actors[1]!.ToJsonString());
        Assert.Equal(["{\"sub\":\"orchestrator\",\"act\":{\"sub\":\"user-agent\"}}"], ClaimValues(principal, "act_chain"));
    }

    [Fact]
    public async Task Act_that_is_not_an_object_is_invalid_token()
    {
        var host = await _setup.StartAsync(o => o.AllowBearerTokens = true);

        var response = await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: _setup.Token(cnf: null, c => c["act"] = "orchestrator")));

        Challenge(response, HttpStatusCode.Unauthorized,
            ["Bearer error=\"invalid_token\", error_description=\"The token's act claim must be a JSON object naming the actor, nested at most 10 deep.\"", "Signature", DPoPAlgsChallenge],
            signatureError: null);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public async Task Validated_token_cache_skips_the_second_verification(bool enabled, int verifications)
    {
        var host = await _setup.StartAsync(o =>
        {
            o.AllowBearerTokens = true;
            o.EnableTokenCache = enabled;
        });
        var token = _setup.Token(cnf: null);

        await SucceededAsync(await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: token)));
        await SucceededAsync(await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: token)));

        // TokenValidated (152) is logged by the validator only after a signature check, never on a cache hit.
        var validated = host.Logs.Lines.Where(l => l.EventId.Id == 152).ToList();
        Assert.Equal(verifications, validated.Count);
        Assert.All(validated, l => Assert.Contains(enabled ? "(cache miss)" : "(cache off)", l.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failures_are_logged_with_their_code_and_never_with_token_or_signature_values()
    {
        var host = await _setup.StartAsync(o => o.AllowBearerTokens = true);
        var badToken = _setup.Token(cnf: null, c => c["aud"] = "https://other.example");
        var bound = _setup.BoundToken();
        var signed = _setup.Agent.Sign(TestAgent.Request(HttpMethod.Post, Protected, "{\"a\":1}", bound));
        var signatureValue = signed.Headers.GetValues("Signature").Single();
        signed.Content = new StringContent("{\"a\":2}");

        await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: badToken));
        await host.SendAsync(signed);

        var failures = host.Logs.Lines.Where(l => l.EventId.Id == 3).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, l => Assert.Contains("error invalid_token", l.Message, StringComparison.Ordinal));
        foreach (var line in host.Logs.Lines)
        {
            var text = line.Message + line.Exception;
            Assert.DoesNotContain(badToken.Split('.')[2], text, StringComparison.Ordinal);
            Assert.DoesNotContain(bound.Split('.')[2], text, StringComparison.Ordinal);
            Assert.DoesNotContain(badToken.Split('.')[1], text, StringComparison.Ordinal);
            Assert.DoesNotContain(signatureValue[6..^1], text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Authentications_are_counted_by_result_mode_and_error()
    {
        var host = await _setup.StartAsync(o => o.AllowBearerTokens = true);
        var factory = host.App.Services.GetRequiredService<IMeterFactory>();
        var recorded = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == "agentauth.authentications")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }
            lock (recorded)
            {
                recorded.Add((value, copy));
            }
        });
        listener.Start();

        await SucceededAsync(await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: _setup.Token(cnf: null))));
        await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: _setup.Token(cnf: null, c => c["aud"] = "x")));
        await host.Client.GetAsync("/protected");

        lock (recorded)
        {
            Assert.Equal(3, recorded.Count);
            Assert.All(recorded, r => Assert.Equal(1, r.Value));
            Assert.Equal(("success", "bearer", "none"), Tags(recorded[0].Tags));
            Assert.Equal(("failure", "bearer", "invalid_token"), Tags(recorded[1].Tags));
            Assert.Equal(("none", "none", "none"), Tags(recorded[2].Tags));
        }
    }

    private static (string, string, string) Tags(Dictionary<string, object?> tags) =>
        ((string)tags["agentauth.result"]!, (string)tags["agentauth.mode"]!, (string)tags["agentauth.error"]!);
}
