using System.Text.Json;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the revocation endpoint an operator or a broker's webhook calls to revoke a token before its <c>exp</c>.</summary>
public static class AgentAuthRevocationEndpointRouteBuilderExtensions
{
    private const int MaxBodyBytes = 32 * 1024;

    /// <summary>The lifetime given to a revoked opaque token whose expiry the request does not state: one day.</summary>
    public static readonly TimeSpan DefaultOpaqueTokenRevocationLifetime = TimeSpan.FromDays(1);

    /// <summary>
    /// Maps <c>POST {pattern}</c>, which records a revocation in the registered <see cref="IRevocationStore"/>; the scheme
    /// refuses the token from the next request on (validated-token cache hits included). The endpoint requires the
    /// authorization policy <paramref name="policyName"/> (for example one that requires an operator scope or the broker's
    /// client certificate): revoking is an administrative act and is never open.
    /// <para>The body is RFC 7009 §2.1 form data (<c>token=…</c>) or JSON: <c>{"token": "…"}</c>, or
    /// <c>{"iss": "…", "jti": "…", "exp": 1767225600}</c> to revoke by <c>jti</c> without the token (not both). A submitted JWT
    /// is first verified against its issuer's configured keys, as a request's token is up to its signature (lifetime and
    /// audience aside): only then are its <c>iss</c>, <c>jti</c> and <c>exp</c> used, and it is revoked as
    /// <c>jti:{iss}:{jti}</c> (the key introspected tokens whose answer names that <c>jti</c> are also checked under) until
    /// its <c>exp</c>. Any other token is revoked by its SHA-256 until the <c>exp</c> the body states, else for
    /// <see cref="DefaultOpaqueTokenRevocationLifetime"/>. The answer is 200 (RFC 7009 §2.2); 400 <c>invalid_request</c> for
    /// a body naming no token, naming a token and other identifiers, or carrying a JWT that does not verify (unlike RFC 7009
    /// §2.2, which answers 200 for invalid tokens: an operator must not believe a revocation took that did not); 503 when the
    /// issuer's keys or the store cannot answer.</para>
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route, for example <c>/agentauth/revoke</c>.</param>
    /// <param name="policyName">The authorization policy a caller must satisfy.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapAgentAuthRevocation(this IEndpointRouteBuilder endpoints, string pattern, string policyName)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        return endpoints.MapPost(pattern, RevokeAsync).RequireAuthorization(policyName);
    }

    private static async Task RevokeAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var store = services.GetRequiredService<IRevocationStore>();
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("AgentAuth.AspNetCore.Revocation");
        var request = await ReadRequestAsync(context.Request, context.RequestAborted);
        string? key;
        string kind;
        long? exp = request.Exp;
        if (!string.IsNullOrEmpty(request.Token))
        {
            if (request.Issuer is not null || request.Jti is not null)
            {
                // The token's own identifiers decide; a body that names others next to it is ambiguous.
                await RejectAsync(context.Response, logger, "name either the token or its iss and jti, not both");
                return;
            }
            var check = await VerifyAsync(services, request.Token, context.RequestAborted);
            switch (check.Status)
            {
                case RevocationTokenStatus.NotJwt:
                    key = RevocationKeys.ForToken(request.Token);
                    kind = "token";
                    break;
                case RevocationTokenStatus.Verified:
                    key = check.Jti is { } jti ? RevocationKeys.ForJti(check.Issuer!, jti) : RevocationKeys.ForToken(request.Token);
                    kind = check.Jti is null ? "token" : "jti";
                    exp = check.Exp ?? exp;
                    break;
                case RevocationTokenStatus.KeysUnavailable:
                    IntrospectionLog.RevocationKeysUnavailable(logger, check.Issuer!, check.Reason!);
                    context.Response.Headers.RetryAfter = "5";
                    await WriteErrorAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable",
                        "the issuer's keys could not be loaded to verify the token; retry shortly");
                    return;
                default:
                    // A JWT's iss, jti and exp are trusted only once its issuer's signature is verified: otherwise any caller
                    // allowed to revoke could name another token's jti (or a far exp) in a token it made up.
                    IntrospectionLog.RevocationTokenNotVerified(logger, check.Issuer ?? "(none)", check.Reason!);
                    await WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, "invalid_request",
                        "the token is a JWT that does not verify with its issuer's configured keys; nothing was revoked");
                    return;
            }
        }
        else if (!string.IsNullOrEmpty(request.Issuer) && !string.IsNullOrEmpty(request.Jti))
        {
            // An explicit administrative revocation by identifiers: the caller's authorization is the whole check.
            key = RevocationKeys.ForJti(request.Issuer, request.Jti);
            kind = "jti";
        }
        else
        {
            await RejectAsync(context.Response, logger, "name the token (token) or its issuer and jti (iss, jti)");
            return;
        }

        DateTimeOffset expiresAt;
        if (exp is { } seconds)
        {
            if (seconds < 0 || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                await RejectAsync(context.Response, logger, "exp is not a NumericDate");
                return;
            }
            expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        else
        {
            expiresAt = time.GetUtcNow() + DefaultOpaqueTokenRevocationLifetime;
        }
        try
        {
            await store.RevokeAsync(key, expiresAt, context.RequestAborted);
        }
        catch (RevocationStoreUnavailableException ex)
        {
            IntrospectionLog.RevocationEndpointStoreUnavailable(logger, ex);
            context.Response.Headers.RetryAfter = "5";
            await WriteErrorAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable", "the revocation could not be recorded; retry shortly");
            return;
        }
        IntrospectionLog.RevocationRecorded(logger, expiresAt, kind);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static async Task RejectAsync(HttpResponse response, ILogger logger, string reason)
    {
        IntrospectionLog.RevocationRequestRejected(logger, reason);
        await WriteErrorAsync(response, StatusCodes.Status400BadRequest, "invalid_request", reason);
    }

    /// <summary>Asks each AgentAuth scheme's token validator in turn; the first whose issuers include the token's decides.</summary>
    private static async ValueTask<RevocationTokenCheck> VerifyAsync(IServiceProvider services, string token, CancellationToken cancellationToken)
    {
        var schemes = services.GetRequiredService<IAuthenticationSchemeProvider>();
        var options = services.GetRequiredService<IOptionsMonitor<AgentAuthOptions>>();
        foreach (var scheme in await schemes.GetAllSchemesAsync())
        {
            if (scheme.HandlerType != typeof(AgentAuthHandler) || options.Get(scheme.Name).Runtime is not { } runtime)
            {
                continue;
            }
            var check = await runtime.Tokens.VerifyForRevocationAsync(token, cancellationToken);
            if (check.Status != RevocationTokenStatus.UnknownIssuer)
            {
                return check;
            }
        }
        return new(RevocationTokenStatus.UnknownIssuer, null, null, null, "the token issuer is not a configured issuer of any AgentAuth scheme");
    }

    private static async Task WriteErrorAsync(HttpResponse response, int status, string error, string description)
    {
        response.StatusCode = status;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error", error);
            writer.WriteString("error_description", description);
            writer.WriteEndObject();
        }
        await response.Body.WriteAsync(buffer.WrittenMemory);
    }

    private static async Task<RevocationRequest> ReadRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return default;
        }
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            return new RevocationRequest(form["token"].ToString(), null, null, null);
        }
        var buffer = new byte[MaxBodyBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }
        if (total > MaxBodyBytes)
        {
            return default;
        }
        try
        {
            using var json = JsonDocument.Parse(buffer.AsMemory(0, total));
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }
            return new RevocationRequest(
                String(root, "token"), String(root, "iss"), String(root, "jti"),
                root.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) ? seconds : null);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private readonly record struct RevocationRequest(string? Token, string? Issuer, string? Jti, long? Exp);
}
