using System.Net;
using System.Security.Claims;
using AgentAuth.AspNetCore.Tests.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>
/// <see cref="AgentAuthEvents"/>, set as delegates or as a derived type through <c>EventsType</c> (the JwtBearerEvents shape):
/// each event runs once, in order, and can take over or reject. With the default events the handler skips building the
/// contexts; the ticket is the same either way.
/// </summary>
public sealed class EventsTests : IAsyncLifetime
{
    private readonly TokenSetup _setup = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _setup.DisposeAsync();

    private HttpRequestMessage Signed(string path = TokenSetup.Protected) =>
        _setup.Agent.Sign(TestAgent.Request(HttpMethod.Get, path, body: null, _setup.BoundToken()));

    [Fact]
    public async Task Delegates_run_once_each_in_order_with_what_was_verified()
    {
        var calls = new List<string>();
        var host = await _setup.StartAsync(o => o.Events = new AgentAuthEvents
        {
            OnMessageReceived = _ => { calls.Add("received"); return Task.CompletedTask; },
            OnSignatureValidated = c => { calls.Add("signature:" + c.Signature.Label + ":" + c.Signature.Key!.Thumbprint); return Task.CompletedTask; },
            OnTokenValidated = c => { calls.Add("validated:" + c.AuthenticationMode + ":" + c.Principal!.FindFirst("sub")!.Value); return Task.CompletedTask; },
        });

        await SucceededAsync(await host.SendAsync(Signed()));

        Assert.Equal(["received", "signature:sig1:" + _setup.Agent.Key.Thumbprint, "validated:httpsig+jwt:agent-1"], calls);
    }

    [Fact]
    public async Task A_derived_events_type_from_DI_is_invoked_although_its_delegates_are_the_defaults()
    {
        var host = await _setup.StartAsync(o => o.EventsType = typeof(CountingEvents), s => s.AddSingleton<CountingEvents>());

        await SucceededAsync(await host.SendAsync(Signed()));

        var events = host.App.Services.GetRequiredService<CountingEvents>();
        Assert.Equal(1, events.Received);
        Assert.Equal(1, events.SignatureValidatedCount);
        Assert.Equal(1, events.TokenValidatedCount);
    }

    [Fact]
    public async Task MessageReceived_can_authenticate_the_request_itself()
    {
        var host = await _setup.StartAsync(o => o.Events = new AgentAuthEvents
        {
            OnMessageReceived = c =>
            {
                c.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "from-event")], "AgentAuth"));
                c.Success();
                return Task.CompletedTask;
            },
        });

        var principal = await SucceededAsync(await host.Client.GetAsync("/protected"));

        Assert.Equal(["from-event"], ClaimValues(principal, "sub"));
    }

    [Fact]
    public async Task SignatureValidated_and_TokenValidated_can_reject()
    {
        var host = await _setup.StartAsync(o => o.Events = new AgentAuthEvents
        {
            OnSignatureValidated = c => { c.Fail("agent is blocked"); return Task.CompletedTask; },
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(Signed())).StatusCode);
        await host.DisposeAsync();

        host = await _setup.StartAsync(o => o.Events = new AgentAuthEvents
        {
            OnTokenValidated = c => { c.Fail("tenant is suspended"); return Task.CompletedTask; },
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(Signed())).StatusCode);
    }

    [Fact]
    public async Task TokenValidated_can_replace_the_principal()
    {
        var host = await _setup.StartAsync(o => o.Events = new AgentAuthEvents
        {
            OnTokenValidated = c =>
            {
                var identity = (ClaimsIdentity)c.Principal!.Identity!;
                identity.AddClaim(new Claim("tenant", "t-1"));
                return Task.CompletedTask;
            },
        });

        var principal = await SucceededAsync(await host.SendAsync(Signed()));

        Assert.Equal(["t-1"], ClaimValues(principal, "tenant"));
        Assert.Equal(["agent-1"], ClaimValues(principal, "sub"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_ticket_expires_with_the_token_with_or_without_events(bool withEvents)
    {
        var host = await _setup.StartAsync(o =>
        {
            if (withEvents)
            {
                o.Events = new AgentAuthEvents { OnTokenValidated = _ => Task.CompletedTask };
            }
        });

        var response = await host.SendAsync(Signed(HandlerHost.Origin + "/ticket"));

        var expected = TestTokens.Claims()["exp"]!.GetValue<long>();
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_signature_only_ticket_has_no_expiry()
    {
        var host = await _setup.StartAsync();

        var response = await host.SendAsync(_setup.Agent.Sign(TestAgent.Request(HttpMethod.Get, HandlerHost.Origin + "/ticket", body: null, token: null)));

        Assert.Equal("no-expiry", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Events type resolved from DI: overrides the virtual methods and leaves the delegates at their defaults.</summary>
    public sealed class CountingEvents : AgentAuthEvents
    {
        public int Received;
        public int SignatureValidatedCount;
        public int TokenValidatedCount;

        public override Task MessageReceived(AgentAuthMessageReceivedContext context)
        {
            Interlocked.Increment(ref Received);
            return base.MessageReceived(context);
        }

        public override Task SignatureValidated(AgentAuthSignatureValidatedContext context)
        {
            Interlocked.Increment(ref SignatureValidatedCount);
            return base.SignatureValidated(context);
        }

        public override Task TokenValidated(AgentAuthTokenValidatedContext context)
        {
            Interlocked.Increment(ref TokenValidatedCount);
            return base.TokenValidated(context);
        }
    }
}
