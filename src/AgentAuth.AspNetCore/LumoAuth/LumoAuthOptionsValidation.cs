using System.Text;

namespace AgentAuth.AspNetCore;

/// <summary>Startup validation of <see cref="AgentAuthOptions.LumoAuth"/>; each message names the option to set.</summary>
internal static class LumoAuthOptionsValidation
{
    private const string Prefix = "AgentAuthOptions.LumoAuth.";

    private static readonly System.Buffers.SearchValues<char> s_notInAgentIdentifier = System.Buffers.SearchValues.Create("#?\\\"<>{}|^`");

    public static void Validate(AgentAuthOptions options, List<string> failures)
    {
        var profile = options.LumoAuth;
        if (!profile.Enabled)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(profile.Issuer))
        {
            failures.Add(Prefix + "Issuer is required when LumoAuth.Enabled is true: set it to the LumoAuth tenant's issuer, configured in AgentAuthOptions.Issuers.");
        }
        else if (!HasIssuer(options, profile.Issuer))
        {
            failures.Add(Prefix + "Issuer '" + profile.Issuer + "' is not the Issuer of any AgentAuthOptions.Issuers entry: add the tenant there (its keys and audience).");
        }
        if (!options.Signatures.AllowedAlgorithms.Contains(HttpSignatures.Cryptography.HttpSignatureAlgorithms.Ed25519) && options.Signatures.AllowedAlgorithms.Count > 0)
        {
            failures.Add(Prefix + "Enabled needs ed25519 in AgentAuthOptions.Signatures.AllowedAlgorithms (the Agent-Auth shape is accepted only with Ed25519 keys).");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < profile.Agents.Count; i++)
        {
            ValidateAgent(options, profile.Agents[i], Prefix + "Agents[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]", seen, failures);
        }
    }

    private static bool HasIssuer(AgentAuthOptions options, string issuer)
    {
        foreach (var entry in options.Issuers)
        {
            if (entry is not null && string.Equals(entry.Issuer, issuer, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static void ValidateAgent(AgentAuthOptions options, LumoAuthAgentOptions? agent, string path, HashSet<string> seen, List<string> failures)
    {
        if (agent is null)
        {
            failures.Add(path + " must not be null.");
            return;
        }
        if (!IsAgentIdentifier(agent.Id))
        {
            failures.Add(path + ".Id must be the agent identifier: an absolute https URL without query, fragment or user info (got '" + agent.Id + "').");
        }
        else if (!seen.Add(agent.Id!))
        {
            failures.Add(path + ".Id '" + agent.Id + "' is configured twice; merge the entries.");
        }
        var sources = 0;
        if (!string.IsNullOrWhiteSpace(agent.JsonWebKeySet))
        {
            sources++;
            KeyOptionsValidation.ValidateJwks(AgentKeySetParsers.Static, Encoding.UTF8.GetBytes(agent.JsonWebKeySet), options.Jwks.MaxKeys, path + ".JsonWebKeySet", failures);
        }
        if (!string.IsNullOrWhiteSpace(agent.JwksFile))
        {
            sources++;
            if (!File.Exists(agent.JwksFile))
            {
                failures.Add(path + ".JwksFile names a file that does not exist: " + agent.JwksFile + ".");
            }
            else
            {
                KeyOptionsValidation.ValidateJwks(AgentKeySetParsers.Static, File.ReadAllBytes(agent.JwksFile), options.Jwks.MaxKeys, path + ".JwksFile", failures);
            }
        }
        if (!string.IsNullOrWhiteSpace(agent.JwksUri))
        {
            sources++;
            if (!Uri.TryCreate(agent.JwksUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add(path + ".JwksUri must be an absolute https URL.");
            }
        }
        if (sources == 0)
        {
            failures.Add(path + " needs the agent's keys: set JsonWebKeySet, JwksFile or JwksUri.");
        }
    }

    /// <summary>
    /// An agent identifier: an absolute https URL with a host and no query, fragment or user info (a <c>keyid</c> adds
    /// <c>#kid</c>), written as such: <c>https://</c> exactly, and none of the characters <see cref="Uri"/> would forgive
    /// (surrounding spaces, backslashes, controls), since it is compared as text.
    /// </summary>
    internal static bool IsAgentIdentifier(string? value) =>
        !string.IsNullOrEmpty(value)
        && value.StartsWith("https://", StringComparison.Ordinal)
        && value.AsSpan().IndexOfAnyExceptInRange('!', '~') < 0
        && value.AsSpan().IndexOfAny(s_notInAgentIdentifier) < 0
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps
        && uri.UserInfo.Length == 0
        && uri.Host.Length > 0;
}
