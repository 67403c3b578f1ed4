using System.Diagnostics;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.DPoP;

namespace AgentAuth.AspNetCore.Tests.LumoAuth;

/// <summary>Drives <c>tests/interop/lumoauth-sign.mjs</c>, which writes the two LumoAuth request shapes byte for byte (issue 18).</summary>
internal static class LumoAuthNode
{
    /// <summary>RFC 9421 B.1.4 test-key-ed25519: the registered agent's key.</summary>
    public static readonly JsonObject AgentKey = new()
    {
        ["kty"] = "OKP",
        ["crv"] = "Ed25519",
        ["x"] = "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs",
        ["d"] = "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU",
    };

    /// <summary>RFC 8037 A.1: another Ed25519 key (an attacker's, or an unregistered agent's).</summary>
    public static readonly JsonObject OtherKey = new()
    {
        ["kty"] = "OKP",
        ["crv"] = "Ed25519",
        ["x"] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
        ["d"] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    };

    /// <summary>The public half of a test key, with an optional <c>kid</c>.</summary>
    public static JsonObject Public(JsonObject privateJwk, string? kid = null)
    {
        var jwk = (JsonObject)privateJwk.DeepClone();
        jwk.Remove("d");
        if (kid is not null)
        {
            jwk["kid"] = kid;
        }
        return jwk;
    }

    public static async Task<JsonObject> SignAsync(JsonObject job)
    {
        return await DPoPNodeInterop.RunScriptAsync("lumoauth-sign.mjs", job);
    }
}
