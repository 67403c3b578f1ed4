using System.Buffers;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The <c>Authorization</c> header split into scheme and token68 (RFC 9110 §11.4, RFC 6750 §2.1), without allocating: the token
/// stays a slice of the header value, so a token served from the validated-token cache is never copied into a string.
/// </summary>
internal readonly struct AuthorizationCredential
{
    public static AuthorizationCredential None => default;

    private AuthorizationCredential(CredentialKind kind, ReadOnlyMemory<char> token)
    {
        Kind = kind;
        Token = token;
    }

    public CredentialKind Kind { get; }

    /// <summary>The token68, for <see cref="CredentialKind.Token"/> and <see cref="CredentialKind.DPoP"/>; empty otherwise.</summary>
    public ReadOnlyMemory<char> Token { get; }

    /// <summary>
    /// Parses <paramref name="value"/>. A scheme this handler does not own yields <see cref="None"/> and <see langword="true"/> (another handler
    /// may own it). One of ours with a missing or malformed token68 yields <see langword="false"/> (400 <c>invalid_request</c>).
    /// </summary>
    public static bool TryParse(string? value, string[] tokenSchemes, out AuthorizationCredential credential)
    {
        credential = default;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        var span = value.AsSpan();
        var space = span.IndexOf(' ');
        var scheme = space < 0 ? span : span[..space];

        CredentialKind kind;
        if (scheme.Equals("DPoP", StringComparison.OrdinalIgnoreCase))
        {
            kind = CredentialKind.DPoP;
        }
        else if (IsTokenScheme(scheme, tokenSchemes))
        {
            kind = CredentialKind.Token;
        }
        else
        {
            return true;
        }

        if (space < 0)
        {
            return false;
        }
        var token = span[(space + 1)..].Trim(' ');
        if (!IsToken68(token))
        {
            return false;
        }
        value.AsSpan().Overlaps(token, out var start);
        credential = new AuthorizationCredential(kind, value.AsMemory(start, token.Length));
        return true;
    }

    private static bool IsTokenScheme(ReadOnlySpan<char> scheme, string[] tokenSchemes)
    {
        foreach (var candidate in tokenSchemes)
        {
            if (scheme.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static readonly SearchValues<char> Token68Chars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");

    /// <summary>token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="</summary>
    // Vectorized: a token is about a kilobyte and this runs on every request, cached token or not.
    private static bool IsToken68(ReadOnlySpan<char> token)
    {
        var end = token.IndexOfAnyExcept(Token68Chars);
        if (end < 0)
        {
            return !token.IsEmpty;
        }
        return end > 0 && !token[end..].ContainsAnyExcept('=');
    }
}
