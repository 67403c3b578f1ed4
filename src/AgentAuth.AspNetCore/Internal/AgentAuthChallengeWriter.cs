using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Writes the scheme's failure responses: one <c>WWW-Authenticate</c> challenge per
/// enabled mode, the error in the challenge family that owns it, <c>Signature-Error</c> for RFC 9421 problems,
/// <c>DPoP-Nonce</c> when a nonce is needed, <c>Retry-After</c> on 503, and <c>Cache-Control: no-store</c>.
/// </summary>
internal static class AgentAuthChallengeWriter
{
    /// <summary>
    /// Writes the status and headers of a challenge. <paramref name="failure"/> is null when the request carried no credentials;
    /// <paramref name="requiredScopes"/>, when the endpoint requires scopes, goes into the token challenges as <c>scope="…"</c>
    /// (RFC 6750 §3, and MCP's "the scopes required now").
    /// </summary>
    public static void Write(HttpResponse response, ChallengeTemplates templates, AgentAuthFailure? failure, string? resourceMetadata, string? requiredScopes, bool includeErrorDetails)
    {
        var headers = response.Headers;
        response.StatusCode = failure?.StatusCode ?? StatusCodes.Status401Unauthorized;
        headers.CacheControl = "no-store";

        if (WriteWithoutChallenges(headers, templates, failure, includeErrorDetails))
        {
            return;
        }

        var challenges = new List<string>(3);
        var errorKind = failure?.Challenge;

        if (templates.SignatureEnabled || errorKind == AgentAuthChallengeKind.Signature)
        {
            challenges.Add(Format(ChallengeTemplates.SignatureScheme, templates.Realm, null, null, null, null, null));
        }
        if (templates.BearerEnabled || errorKind == AgentAuthChallengeKind.Bearer)
        {
            var bearerFailure = errorKind == AgentAuthChallengeKind.Bearer ? failure : null;
            challenges.Insert(bearerFailure is null ? challenges.Count : 0,
                Format(ChallengeTemplates.BearerScheme, templates.Realm, bearerFailure, includeErrorDetails, resourceMetadata, null, requiredScopes));
        }
        if (templates.DPoPAlgorithms is not null || errorKind == AgentAuthChallengeKind.DPoP)
        {
            var dpopFailure = errorKind == AgentAuthChallengeKind.DPoP ? failure : null;
            challenges.Insert(dpopFailure is null ? challenges.Count : 0,
                Format(ChallengeTemplates.DPoPScheme, templates.Realm, dpopFailure, includeErrorDetails, resourceMetadata, templates.DPoPAlgorithms, requiredScopes));
        }
        headers.Append(HeaderNames.WWWAuthenticate, challenges.ToArray());

        if (templates.SignatureEnabled)
        {
            headers[AgentAuthHeaderNames.AcceptSignature] = templates.AcceptSignature;
        }

        if (templates.AAuthResource is { } aauth && response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            WriteAAuthResourceChallenge(headers, aauth);
        }
        else if (templates.SignatureKeyAcceptance is { AcceptSignatureScheme: { } schemes } acceptance && response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            // Signature-Key -08 §4: an agent learns before it signs which schemes and algorithms will be accepted.
            headers[AgentAuthHeaderNames.AcceptSignatureScheme] = schemes;
            headers[AgentAuthHeaderNames.AcceptSignatureAlg] = acceptance.AcceptSignatureAlg;
        }

        if (failure is not null)
        {
            WriteFailureHeaders(headers, templates, failure);
        }
    }

    /// <summary>
    /// The AAuth resource's part of a 401: what it accepts (<c>Accept-Signature-Scheme</c>, <c>Accept-Signature-Alg</c>,
    /// Signature-Key -08; "On a challenge, before the client has signed anything, they let the client choose correctly the first
    /// time") and what the agent must obtain next (<c>AAuth-Requirement</c>). All three values were formatted at startup. A
    /// failure-specific header written after this (<c>unsupported_algorithm</c>'s <c>Accept-Signature-Alg</c>) takes precedence.
    /// </summary>
    private static void WriteAAuthResourceChallenge(IHeaderDictionary headers, AAuthResource aauth)
    {
        if (aauth.AcceptSignatureScheme is { } schemes)
        {
            headers[AgentAuthHeaderNames.AcceptSignatureScheme] = schemes;
        }
        if (aauth.AcceptSignatureAlg is { } algorithms)
        {
            headers[AgentAuthHeaderNames.AcceptSignatureAlg] = algorithms;
        }
        if (aauth.ChallengeRequirement is { } requirement)
        {
            headers[AgentAuthHeaderNames.AAuthRequirement] = requirement;
        }
    }

    /// <summary>
    /// The AAuth form of a 403 <c>insufficient_scope</c>: <c>AAuth-Requirement</c> saying what to obtain for the scopes the
    /// endpoint requires. A request that proved a person token gets <c>requirement=auth-token</c> with a resource token minted
    /// for it now (the draft's step-up: "A resource MAY return requirement=auth-token with a new resource token to a request that
    /// already includes an auth token"); any other caller gets <c>requirement=person-token</c>, because a resource token may
    /// only follow a verified person token. Never <c>Signature-Error</c> or <c>Accept-Signature-*</c> (403, authentication succeeded).
    /// </summary>
    public static void WriteAAuthInsufficientScope(HttpContext context, AAuthResource aauth, string scopes, Microsoft.Extensions.Logging.ILogger logger)
    {
        var headers = context.Response.Headers;
        if (aauth.TryMintFor(context.User, scopes, logger) is { } token)
        {
            headers[AgentAuthHeaderNames.AAuthRequirement] = AAuthResource.FormatAuthTokenRequirement(token);
            return;
        }
        logger.AAuthPersonTokenRequired();
        headers[AgentAuthHeaderNames.AAuthRequirement] = AAuthResource.FormatRequirement(AAuthResource.PersonTokenRequirement);
    }

    /// <summary>
    /// 503, 429 and 413 say "not now" or "too large", not "authenticate differently": no per-mode challenge list. Writes
    /// their headers and returns <see langword="true"/>; <see langword="false"/> for every other response.
    /// </summary>
    private static bool WriteWithoutChallenges(IHeaderDictionary headers, ChallengeTemplates templates, AgentAuthFailure? failure, bool includeErrorDetails)
    {
        if (failure is { StatusCode: StatusCodes.Status503ServiceUnavailable })
        {
            // "Not now", not "authenticate differently": no challenge list. The error code still reaches the client, in
            // Signature-Error for a signed request and in the JSON body (WriteUnavailableBodyAsync) for every family.
            var seconds = (long)Math.Ceiling((failure.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds);
            headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            if (failure.Challenge == AgentAuthChallengeKind.Signature)
            {
                headers[AgentAuthHeaderNames.SignatureError] = "error=" + failure.Error;
            }
            return true;
        }
        if (failure is { StatusCode: StatusCodes.Status429TooManyRequests })
        {
            // Only this key is throttled: say so in its own family (Signature-Error or the DPoP challenge), with no
            // Accept-Signature, since the credentials were fine.
            var seconds = Math.Max(1L, (long)Math.Ceiling((failure.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
            headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            if (failure.Challenge == AgentAuthChallengeKind.Signature)
            {
                headers[AgentAuthHeaderNames.SignatureError] = "error=" + failure.Error;
            }
            else
            {
                headers.Append(HeaderNames.WWWAuthenticate,
                    Format(failure.Challenge == AgentAuthChallengeKind.DPoP ? ChallengeTemplates.DPoPScheme : ChallengeTemplates.BearerScheme,
                        templates.Realm, failure, includeErrorDetails, null, null, null));
            }
            return true;
        }
        return failure is { StatusCode: StatusCodes.Status413PayloadTooLarge };
    }

    /// <summary>
    /// The body of a 503: <c>{"error":"temporarily_unavailable"}</c> (RFC 6749 §5.2 error-response shape, with
    /// <c>error_description</c> when error details are on), so a client of any credential family reads the code it acts on
    /// (retry after <c>Retry-After</c>) without a challenge.
    /// </summary>
    public static Task WriteUnavailableBodyAsync(HttpResponse response, AgentAuthFailure failure, bool includeErrorDetails)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error", failure.Error);
            if (includeErrorDetails)
            {
                writer.WriteString("error_description", failure.Description);
            }
            writer.WriteEndObject();
        }
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    /// <summary><c>Signature-Error</c> (and <c>Accept-Signature-Alg</c>) for RFC 9421 failures, and <c>DPoP-Nonce</c> when a nonce is needed.</summary>
    private static void WriteFailureHeaders(IHeaderDictionary headers, ChallengeTemplates templates, AgentAuthFailure failure)
    {
        if (failure.Challenge == AgentAuthChallengeKind.Signature)
        {
            // Signature-Error is a structured-field dictionary (Signature-Key draft §5.4): error=<token>[, required_input=(...)].
            var value = failure.RequiredInput is null
                ? "error=" + failure.Error
                : "error=" + failure.Error + ", required_input=" + failure.RequiredInput;
            headers[AgentAuthHeaderNames.SignatureError] = value;
            if (failure.Error == AgentAuthErrors.UnsupportedAlgorithm && failure.AcceptSignatureAlg is null)
            {
                headers[AgentAuthHeaderNames.AcceptSignatureAlg] = templates.AcceptSignatureAlgorithms;
            }
            WriteSignatureKeyFailureHeaders(headers, failure);
        }

        if (failure.DPoPNonce is not null)
        {
            headers[AgentAuthHeaderNames.DPoPNonce] = failure.DPoPNonce;
        }
    }

    // --- AAuth Signature-Key refusals (issue 17, verification side) ---------------------------------------------------
    /// <summary>
    /// What would have worked, for a refused <c>Signature-Key</c> request (draft-hardt-httpbis-signature-key-08 §4.4):
    /// <c>Accept-Signature-Scheme</c> with <c>unsupported_scheme</c>, and <c>Accept-Signature-Alg</c> in JOSE names
    /// with <c>unsupported_algorithm</c> (instead of the RFC 9421 names written above for keyid signatures), both from
    /// <see cref="AAuthAcceptance"/>.
    /// </summary>
    private static void WriteSignatureKeyFailureHeaders(IHeaderDictionary headers, AgentAuthFailure failure)
    {
        if (failure.AcceptSignatureScheme is not null)
        {
            headers[AgentAuthHeaderNames.AcceptSignatureScheme] = failure.AcceptSignatureScheme;
        }
        if (failure.AcceptSignatureAlg is not null)
        {
            headers[AgentAuthHeaderNames.AcceptSignatureAlg] = failure.AcceptSignatureAlg;
        }
    }
    // --- end AAuth Signature-Key refusals --------------------------------------------------------------------------

    /// <summary>
    /// The one <c>WWW-Authenticate</c> challenge builder (RFC 9110 §11.6.1, RFC 6750 §3): <c>{scheme} realm="…",
    /// error="…", error_description="…", scope="…", algs="…", resource_metadata="…"</c>, each parameter present only when
    /// given, every value quoted and escaped (<see cref="HeaderValue.AppendQuotedParameter"/>).
    /// </summary>
    public static string FormatChallenge(string scheme, string? realm, string? error, string? errorDescription, string? scope, string? algs, string? resourceMetadata)
    {
        var builder = new StringBuilder(128);
        builder.Append(scheme);
        var first = true;
        AppendParameter(builder, ref first, "realm", realm);
        AppendParameter(builder, ref first, "error", error);
        AppendParameter(builder, ref first, "error_description", errorDescription);
        AppendParameter(builder, ref first, "scope", scope);
        AppendParameter(builder, ref first, "algs", algs);
        AppendParameter(builder, ref first, "resource_metadata", resourceMetadata);
        return builder.ToString();
    }

    private static string Format(string scheme, string? realm, AgentAuthFailure? failure, bool? includeErrorDetails, string? resourceMetadata, string? algs, string? scope) =>
        FormatChallenge(scheme, realm, failure?.Error, includeErrorDetails == true ? failure?.Description : null, scope, algs, resourceMetadata);

    private static void AppendParameter(StringBuilder builder, ref bool first, string name, string? value)
    {
        if (value is not null)
        {
            HeaderValue.AppendSeparator(builder, ref first);
            HeaderValue.AppendQuotedParameter(builder, name, value);
        }
    }
}
