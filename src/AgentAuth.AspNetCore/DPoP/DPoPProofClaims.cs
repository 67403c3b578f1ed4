using System.Text.Json;

namespace AgentAuth.AspNetCore;

/// <summary>The claims of a proof payload that RFC 9449 §4.2 defines. Absent claims are <see langword="null"/>.</summary>
internal readonly struct DPoPProofClaims
{
    /// <summary>The <c>jti</c> claim.</summary>
    public string? Jti { get; init; }

    /// <summary>The <c>htm</c> claim.</summary>
    public string? Htm { get; init; }

    /// <summary>The <c>htu</c> claim.</summary>
    public string? Htu { get; init; }

    /// <summary>The <c>iat</c> claim in Unix seconds (a fractional NumericDate is truncated).</summary>
    public long? IssuedAt { get; init; }

    /// <summary>The <c>ath</c> claim.</summary>
    public string? Ath { get; init; }

    /// <summary>The <c>nonce</c> claim.</summary>
    public string? Nonce { get; init; }

    /// <summary>Reads the payload object; <see langword="false"/> with a reason when a known claim has the wrong type.</summary>
    public static bool TryRead(JsonElement root, out DPoPProofClaims claims, out string? error)
    {
        claims = default;
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "DPoP proof payload is not a JSON object";
            return false;
        }
        string? jti = null, htm = null, htu = null, ath = null, nonce = null;
        long? issuedAt = null;
        foreach (var member in root.EnumerateObject())
        {
            if (member.NameEquals("jti"))
            {
                if (!TryGetString(member.Value, out jti))
                {
                    error = "Invalid DPoP proof 'jti'";
                    return false;
                }
            }
            else if (member.NameEquals("htm"))
            {
                if (!TryGetString(member.Value, out htm))
                {
                    error = "Invalid DPoP proof 'htm'";
                    return false;
                }
            }
            else if (member.NameEquals("htu"))
            {
                if (!TryGetString(member.Value, out htu))
                {
                    error = "Invalid DPoP proof 'htu'";
                    return false;
                }
            }
            else if (member.NameEquals("ath"))
            {
                if (!TryGetString(member.Value, out ath))
                {
                    error = "Invalid DPoP proof 'ath'";
                    return false;
                }
            }
            else if (member.NameEquals("nonce"))
            {
                if (!TryGetString(member.Value, out nonce))
                {
                    error = "Invalid DPoP proof 'nonce'";
                    return false;
                }
            }
            else if (member.NameEquals("iat"))
            {
                if (!TryGetNumericDate(member.Value, out var seconds))
                {
                    error = "Invalid DPoP proof 'iat'";
                    return false;
                }
                issuedAt = seconds;
            }
        }
        claims = new DPoPProofClaims { Jti = jti, Htm = htm, Htu = htu, IssuedAt = issuedAt, Ath = ath, Nonce = nonce };
        return true;
    }

    private static bool TryGetString(JsonElement value, out string? text)
    {
        text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return !string.IsNullOrEmpty(text);
    }

    // A NumericDate (RFC 7519 §2) limited to the range DateTimeOffset can represent.
    private static bool TryGetNumericDate(JsonElement value, out long seconds)
    {
        seconds = 0;
        if (value.ValueKind != JsonValueKind.Number)
        {
            return false;
        }
        if (!value.TryGetInt64(out seconds))
        {
            if (!value.TryGetDouble(out var fractional) || !double.IsFinite(fractional) || fractional < 0 || fractional > 253402300799)
            {
                return false;
            }
            seconds = (long)fractional;
        }
        return seconds >= 0 && seconds <= 253402300799; // 9999-12-31T23:59:59Z
    }
}
