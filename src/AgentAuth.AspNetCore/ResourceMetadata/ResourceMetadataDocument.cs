using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The RFC 9728 document serialized once from validated options, with the well-known paths to serve and the
/// metadata URL for <c>resource_metadata</c> challenge parameters.
/// </summary>
internal sealed class ResourceMetadataDocument
{
    internal const string WellKnownPath = "/.well-known/oauth-protected-resource";

    public ResourceMetadataDocument(IOptions<AgentAuthResourceMetadataOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        var resource = new Uri(value.Resource!, UriKind.Absolute);
        var path = resource.AbsolutePath.TrimEnd('/');
        PathInsertedPath = path.Length == 0 ? null : WellKnownPath + path;
        MetadataUrl = string.Concat(resource.GetLeftPart(UriPartial.Authority), PathInsertedPath ?? WellKnownPath);
        IncludeInChallenges = value.IncludeInChallenges;
        CacheControl = value.CacheDuration > TimeSpan.Zero
            ? "public, max-age=" + ((long)value.CacheDuration.TotalSeconds).ToString(CultureInfo.InvariantCulture)
            : "no-cache";
        Json = Serialize(value);
    }

    /// <summary>The RFC 9728 §3.1 path-inserted location (<c>/.well-known/oauth-protected-resource/mcp</c>), or null for a root resource.</summary>
    public string? PathInsertedPath { get; }

    /// <summary>Where clients find this document for the configured resource; the <c>resource_metadata</c> value.</summary>
    public string MetadataUrl { get; }

    public bool IncludeInChallenges { get; }

    public string CacheControl { get; }

    public ReadOnlyMemory<byte> Json { get; }

    private static byte[] Serialize(AgentAuthResourceMetadataOptions options)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("resource", options.Resource);
            WriteArray(writer, "authorization_servers", options.AuthorizationServers);
            WriteOptional(writer, "jwks_uri", options.JwksUri);
            WriteArray(writer, "scopes_supported", options.ScopesSupported);
            WriteArray(writer, "bearer_methods_supported", options.BearerMethodsSupported);
            WriteArray(writer, "resource_signing_alg_values_supported", options.ResourceSigningAlgValuesSupported);
            WriteArray(writer, "dpop_signing_alg_values_supported", options.DPoPSigningAlgValuesSupported);
            if (options.DPoPBoundAccessTokensRequired is { } required)
            {
                writer.WriteBoolean("dpop_bound_access_tokens_required", required);
            }
            WriteOptional(writer, "resource_name", options.ResourceName);
            WriteOptional(writer, "resource_documentation", options.ResourceDocumentation);
            WriteOptional(writer, "resource_policy_uri", options.ResourcePolicyUri);
            WriteOptional(writer, "resource_tos_uri", options.ResourceTosUri);
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
