using System.Text.Json;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Reads <c>cnf</c>: an object with exactly one of <c>jkt</c> (RFC 9449) or <c>jwk</c> (RFC 7800). Other methods
/// (<c>kid</c>, <c>jku</c>, <c>jwe</c>, <c>x5t#S256</c>) are refused: AgentAuth has no trusted place to resolve them.
/// </summary>
internal static class ConfirmationClaimReader
{
    /// <summary>A SHA-256 thumbprint is 32 bytes: 43 base64url characters.</summary>
    private const int ThumbprintLength = 43;

    public static bool TryRead(JsonElement cnf, out ConfirmationClaim? claim, out string? error)
    {
        claim = null;
        if (cnf.ValueKind != JsonValueKind.Object)
        {
            error = "the cnf claim is not a JSON object";
            return false;
        }
        JsonElement? jkt = null;
        JsonElement? jwk = null;
        foreach (var member in cnf.EnumerateObject())
        {
            if (member.NameEquals("jkt"u8))
            {
                if (jkt is not null)
                {
                    error = "the cnf claim repeats jkt";
                    return false;
                }
                jkt = member.Value;
            }
            else if (member.NameEquals("jwk"u8))
            {
                if (jwk is not null)
                {
                    error = "the cnf claim repeats jwk";
                    return false;
                }
                jwk = member.Value;
            }
            else if (member.NameEquals("kid"u8) || member.NameEquals("jku"u8) || member.NameEquals("jwe"u8) || member.NameEquals("x5t#S256"u8))
            {
                error = "the cnf confirmation method is not supported (use jkt or jwk)";
                return false;
            }
        }
        if (jkt is not null && jwk is not null)
        {
            error = "the cnf claim has both jkt and jwk";
            return false;
        }
        if (jkt is { } jktValue)
        {
            if (jktValue.ValueKind != JsonValueKind.String || !IsThumbprint(jktValue.GetString()!))
            {
                error = "cnf.jkt is not a SHA-256 JWK thumbprint";
                return false;
            }
            claim = ConfirmationClaim.FromThumbprint(jktValue.GetString()!);
            error = null;
            return true;
        }
        if (jwk is { } jwkValue)
        {
            return TryReadJwk(jwkValue, out claim, out error);
        }
        error = "the cnf claim has neither jkt nor jwk";
        return false;
    }

    private static bool TryReadJwk(JsonElement element, out ConfirmationClaim? claim, out string? error)
    {
        claim = null;
        if (!Jwk.TryParse(element, out var jwk, out var reason))
        {
            error = "cnf.jwk is not a valid JWK: " + reason;
            return false;
        }
        if (jwk!.HasPrivateMembers)
        {
            error = "cnf.jwk contains private key members";
            return false;
        }
        if (jwk.KeyType == "oct")
        {
            error = "cnf.jwk must be a public key";
            return false;
        }
        if (!SignatureKey.TryCreate(jwk, out var key, out reason))
        {
            error = "cnf.jwk cannot be used for signatures: " + reason;
            return false;
        }
        claim = ConfirmationClaim.FromJwk(jwk, key!);
        error = null;
        return true;
    }

    private static bool IsThumbprint(string value)
    {
        if (value.Length != ThumbprintLength)
        {
            return false;
        }
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }
        // 43 characters carry 258 bits; the last character may only use its top 4 bits (RFC 4648 canonical form).
        return "AEIMQUYcgkosw048".Contains(value[^1], StringComparison.Ordinal);
    }
}
