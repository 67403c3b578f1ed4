using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Writes the RFC 9449 §7.1 <c>WWW-Authenticate: DPoP</c> challenge and the §9 <c>DPoP-Nonce</c> header.
/// Parameter values are emitted as RFC 9110 quoted-strings; characters a header cannot carry are replaced.
/// </summary>
internal static class DPoPChallenge
{
    /// <summary>The authentication scheme token, <c>DPoP</c>.</summary>
    public const string Scheme = "DPoP";

    /// <summary>The request header carrying the proof.</summary>
    public const string ProofHeaderName = "DPoP";

    /// <summary>The response header carrying a server nonce.</summary>
    public const string NonceHeaderName = "DPoP-Nonce";

    /// <summary>
    /// Formats <c>DPoP error="…", error_description="…", scope="…", algs="…"</c>, leaving out the parameters that are
    /// <see langword="null"/>; with no error this is the plain challenge for a request without credentials.
    /// </summary>
    public static string Format(IList<string> algorithms, string? error = null, string? errorDescription = null, string? scope = null)
    {
        ArgumentNullException.ThrowIfNull(algorithms);
        var builder = new StringBuilder(128);
        builder.Append(Scheme);
        var first = true;
        if (error is not null)
        {
            AppendParameter(builder, ref first, "error", error);
        }
        if (errorDescription is not null)
        {
            AppendParameter(builder, ref first, "error_description", errorDescription);
        }
        if (scope is not null)
        {
            AppendParameter(builder, ref first, "scope", scope);
        }
        if (algorithms.Count > 0)
        {
            AppendSeparator(builder, ref first);
            builder.Append("algs=\"");
            for (var i = 0; i < algorithms.Count; i++)
            {
                if (i > 0)
                {
                    builder.Append(' ');
                }
                AppendQuotedContent(builder, algorithms[i]);
            }
            builder.Append('"');
        }
        return builder.ToString();
    }

    /// <summary>Appends the challenge to the response's <c>WWW-Authenticate</c> values (one challenge per scheme) and sets <c>DPoP-Nonce</c> when given.</summary>
    public static void Apply(HttpResponse response, string challenge, string? nonce)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.Append(HeaderNames.WWWAuthenticate, challenge);
        SetNonce(response, nonce);
    }

    /// <summary>Sets <c>DPoP-Nonce</c> (on a 401 that asks for a nonce, or on a success that rotates it); does nothing for <see langword="null"/>.</summary>
    public static void SetNonce(HttpResponse response, string? nonce)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (nonce is not null)
        {
            response.Headers[NonceHeaderName] = nonce;
        }
    }

    /// <summary>Appends <paramref name="value"/> as the content of a quoted-string: <c>"</c> and <c>\</c> escaped, controls and non-ASCII replaced by <c>?</c>.</summary>
    public static void AppendQuotedContent(StringBuilder builder, string value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c == '\t' || (c >= 0x20 && c < 0x7F))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('?'); // never let CR/LF or bytes a header cannot carry reach the response
            }
        }
    }

    private static void AppendParameter(StringBuilder builder, ref bool first, string name, string value)
    {
        AppendSeparator(builder, ref first);
        builder.Append(name).Append("=\"");
        AppendQuotedContent(builder, value);
        builder.Append('"');
    }

    private static void AppendSeparator(StringBuilder builder, ref bool first)
    {
        builder.Append(first ? " " : ", ");
        first = false;
    }
}
