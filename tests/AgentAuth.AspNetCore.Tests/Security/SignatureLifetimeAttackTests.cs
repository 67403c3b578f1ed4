using System.Net;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.HttpSignatures;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// Issue 14 F2: with <c>Signatures:RequireCreated</c> off, a signature's nonce must be remembered for as long as the signature
/// can be accepted. A signature without <c>created</c> is accepted until its <c>expires</c> (at most the signature window ahead),
/// so its replay entry lives that long; one with neither would be accepted forever and is refused; one that carries a token must
/// have <c>created</c>.
/// </summary>
public sealed class SignatureLifetimeAttackTests : IAsyncDisposable
{
    private const string Protected = HandlerHost.Origin + "/protected";

    private readonly TokenSetup _setup = new();

    public async ValueTask DisposeAsync() => await _setup.DisposeAsync();

    private Task<HandlerHost> HostAsync() => _setup.StartAsync(o =>
    {
        o.Signatures.RequireCreated = false;
        o.IncludeErrorDetails = true;
    });

    /// <summary>The signature headers of a GET of <see cref="Protected"/>, to send (and replay) as often as needed.</summary>
    private (string Input, string Signature) Sign(Action<SignatureParameters> parameters, string? token = null)
    {
        var signed = _setup.Agent.Sign(TestAgent.Request(HttpMethod.Get, Protected, token: token), parameters: parameters);
        return (signed.Headers.GetValues("Signature-Input").Single(), signed.Headers.GetValues("Signature").Single());
    }

    private static HttpRequestMessage Request((string Input, string Signature) signature, string? token = null)
    {
        var request = TestAgent.Request(HttpMethod.Get, Protected, token: token);
        request.Headers.TryAddWithoutValidation("Signature-Input", signature.Input);
        request.Headers.TryAddWithoutValidation("Signature", signature.Signature);
        return request;
    }

    [Fact]
    public async Task F2_nonce_of_a_signature_without_created_is_remembered_until_it_expires()
    {
        var host = await HostAsync();
        var now = _setup.Time.GetUtcNow();
        // Within the window a signature without created may use (MaxAge + ClockSkew = 2 minutes ahead).
        var signature = Sign(p =>
        {
            p.OmitCreated = true;
            p.Expires = now.AddSeconds(110);
            p.Nonce = "f2-expires";
        });

        await SucceededAsync(await host.SendAsync(Request(signature)));

        // Past now + MaxAge + ClockSkew, where the nonce used to be forgotten, but before expires + ClockSkew.
        _setup.Time.Advance(TimeSpan.FromSeconds(150));
        SignatureError(await host.SendAsync(Request(signature)), "invalid_signature");
        Assert.Contains(host.Logs.Lines, l => l.Message.Contains("nonce was already used", StringComparison.Ordinal));

        // After expires + skew the signature itself is refused, so forgetting the nonce then is safe.
        _setup.Time.Advance(TimeSpan.FromSeconds(30));
        SignatureError(await host.SendAsync(Request(signature)), "invalid_signature");
        Assert.Contains(host.Logs.Lines, l => l.Message.Contains("has expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task F2_signature_without_created_expiring_beyond_the_window_is_refused()
    {
        var host = await HostAsync();
        var now = _setup.Time.GetUtcNow();
        var signature = Sign(p =>
        {
            p.OmitCreated = true;
            p.Expires = now.AddMinutes(10);
            p.Nonce = "f2-far";
        });

        SignatureError(await host.SendAsync(Request(signature)), "invalid_signature");
        Assert.Contains(host.Logs.Lines, l => l.Message.Contains("further ahead than Signatures:MaxAge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task F2_signature_with_neither_created_nor_expires_is_refused()
    {
        var host = await HostAsync();
        var signature = Sign(p =>
        {
            p.OmitCreated = true;
            p.Nonce = "f2-forever";
        });

        var response = await host.SendAsync(Request(signature));

        SignatureError(response, "invalid_signature");
        Assert.Contains(host.Logs.Lines, l => l.Message.Contains("neither created nor expires", StringComparison.Ordinal));
    }

    [Fact]
    public async Task F2_token_bearing_signature_without_created_is_refused()
    {
        var host = await HostAsync();
        var token = _setup.BoundToken();
        var now = _setup.Time.GetUtcNow();
        var signature = Sign(p =>
        {
            p.OmitCreated = true;
            p.Expires = now.AddMinutes(10);
        }, token);

        var response = await host.SendAsync(Request(signature, token));

        SignatureError(response, "invalid_signature");
        Assert.Contains(host.Logs.Lines, l => l.Message.Contains("no created parameter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task F2_signatures_with_created_keep_working_with_RequireCreated_off()
    {
        var host = await HostAsync();
        var token = _setup.BoundToken();

        await SucceededAsync(await host.SendAsync(Request(Sign(_ => { }), null)));
        await SucceededAsync(await host.SendAsync(Request(Sign(_ => { }, token), token)));
    }

    private static void SignatureError(HttpResponseMessage response, string error)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["error=" + error], Header(response, "Signature-Error"));
    }
}
