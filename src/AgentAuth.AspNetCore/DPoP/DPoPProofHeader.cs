using System.Text.Json;

namespace AgentAuth.AspNetCore;

/// <summary>The members of a proof's protected header that RFC 9449 §4.2 gives meaning to.</summary>
internal readonly struct DPoPProofHeader
{
    /// <summary>The <c>typ</c> member, or <see langword="null"/> when absent.</summary>
    public string? Type { get; init; }

    /// <summary>The <c>alg</c> member, or <see langword="null"/> when absent.</summary>
    public string? Algorithm { get; init; }

    /// <summary>The <c>jwk</c> member (an object), or <see langword="default"/> when absent. Valid while its document lives.</summary>
    public JsonElement Jwk { get; init; }

    /// <summary>Reads the header object; <see langword="false"/> with a reason when a member has the wrong type or <c>crit</c> is present.</summary>
    public static bool TryRead(JsonElement root, out DPoPProofHeader header, out string? error)
    {
        header = default;
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "DPoP proof header is not a JSON object";
            return false;
        }
        string? type = null;
        string? algorithm = null;
        JsonElement jwk = default;
        foreach (var member in root.EnumerateObject())
        {
            if (member.NameEquals("typ"))
            {
                if (member.Value.ValueKind != JsonValueKind.String)
                {
                    error = "Invalid DPoP proof 'typ'";
                    return false;
                }
                type = member.Value.GetString();
            }
            else if (member.NameEquals("alg"))
            {
                if (member.Value.ValueKind != JsonValueKind.String)
                {
                    error = "Invalid DPoP proof 'alg'";
                    return false;
                }
                algorithm = member.Value.GetString();
            }
            else if (member.NameEquals("jwk"))
            {
                if (member.Value.ValueKind != JsonValueKind.Object)
                {
                    error = "Invalid DPoP proof 'jwk'";
                    return false;
                }
                jwk = member.Value;
            }
            else if (member.NameEquals("crit"))
            {
                // RFC 7515 §4.1.11: a recipient that understands none of the listed extensions must reject; we understand none.
                error = "Unsupported 'crit' in DPoP proof header";
                return false;
            }
        }
        header = new DPoPProofHeader { Type = type, Algorithm = algorithm, Jwk = jwk };
        return true;
    }
}
