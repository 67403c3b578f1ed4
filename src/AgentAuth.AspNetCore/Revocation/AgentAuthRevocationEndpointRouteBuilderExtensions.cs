using System.Text.Json;
using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

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
    /// <c>{"iss": "…", "jti": "…", "exp": 1767225600}</c> to revoke by <c>jti</c> without the token. A JWT with a
    /// <c>jti</c> is revoked as <c>jti:{iss}:{jti}</c> until its <c>exp</c>; any other token by its SHA-256 until the
    /// <c>exp</c> the body or the token states, else for <see cref="DefaultOpaqueTokenRevocationLifetime"/>. The answer is
    /// 200 (RFC 7009 §2.2), 400 <c>invalid_request</c> for a body naming no token, 503 when the store cannot record it.</para>
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
        if (!request.TryGetKey(time.GetUtcNow(), out var key, out var expiresAt, out var kind, out var error))
        {
            IntrospectionLog.RevocationRequestRejected(logger, error!);
            await WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, "invalid_request", error!);
            return;
        }
        try
        {
            await store.RevokeAsync(key!, expiresAt, context.RequestAborted);
        }
        catch (RevocationStoreUnavailableException ex)
        {
            IntrospectionLog.RevocationEndpointStoreUnavailable(logger, ex);
            context.Response.Headers.RetryAfter = "5";
            await WriteErrorAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable", "the revocation could not be recorded; retry shortly");
            return;
        }
        IntrospectionLog.RevocationRecorded(logger, expiresAt, kind!);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.StatusCode = StatusCodes.Status200OK;
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

    private readonly record struct RevocationRequest(string? Token, string? Issuer, string? Jti, long? Exp)
    {
        public bool TryGetKey(DateTimeOffset now, out string? key, out DateTimeOffset expiresAt, out string? kind, out string? error)
        {
            key = null;
            kind = null;
            error = null;
            expiresAt = default;
            var exp = Exp;
            string? issuer = Issuer, jti = Jti;
            if (!string.IsNullOrEmpty(Token))
            {
                // The token's own iss, jti and exp, read without verifying it: the caller is authorized to revoke, and
                // revoking a forged token's identifiers only refuses tokens with those identifiers.
                ReadJwt(Token, ref issuer, ref jti, ref exp);
            }
            if (!string.IsNullOrEmpty(issuer) && !string.IsNullOrEmpty(jti))
            {
                key = RevocationKeys.ForJti(issuer, jti);
                kind = "jti";
            }
            else if (!string.IsNullOrEmpty(Token))
            {
                key = RevocationKeys.ForToken(Token);
                kind = "token";
            }
            else
            {
                error = "name the token (token) or its issuer and jti (iss, jti)";
                return false;
            }
            if (exp is { } seconds)
            {
                if (seconds < 0 || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
                {
                    error = "exp is not a NumericDate";
                    return false;
                }
                expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
            else
            {
                expiresAt = now + DefaultOpaqueTokenRevocationLifetime;
            }
            return true;
        }

        private static void ReadJwt(string token, ref string? issuer, ref string? jti, ref long? exp)
        {
            var first = token.IndexOf('.', StringComparison.Ordinal);
            var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
            if (second < 0 || token.IndexOf('.', second + 1) >= 0)
            {
                return;
            }
            try
            {
                using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token[(first + 1)..second]));
                var root = payload.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return;
                }
                issuer ??= String(root, "iss");
                jti ??= String(root, "jti");
                if (exp is null && root.TryGetProperty("exp", out var value) && value.TryGetInt64(out var seconds))
                {
                    exp = seconds;
                }
            }
            catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
            {
                // Not a JWT: revoked by its hash.
            }
        }
    }
}
