using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace AgentAuth.AspNetCore;

/// <summary>Reads the two members AgentAuth needs from a discovery document: <c>issuer</c> and <c>jwks_uri</c>.</summary>
internal static class DiscoveryDocument
{
    public static bool TryParse(
        ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out string? issuer,
        [NotNullWhen(true)] out string? jwksUri,
        [NotNullWhen(false)] out string? error)
    {
        issuer = null;
        jwksUri = null;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the discovery document is not a JSON object";
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isIssuer = reader.ValueTextEquals("issuer"u8);
                var isJwksUri = !isIssuer && reader.ValueTextEquals("jwks_uri"u8);
                reader.Read();
                if (isIssuer || isJwksUri)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = isIssuer ? "the discovery document's issuer is not a string" : "the discovery document's jwks_uri is not a string";
                        return false;
                    }
                    var value = reader.GetString();
                    if ((isIssuer ? issuer : jwksUri) is not null)
                    {
                        error = "the discovery document repeats a member";
                        return false;
                    }
                    if (isIssuer)
                    {
                        issuer = value;
                    }
                    else
                    {
                        jwksUri = value;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "the discovery document is not a single JSON object";
                return false;
            }
        }
        catch (JsonException)
        {
            error = "the discovery document is not valid JSON";
            return false;
        }
        if (issuer is null)
        {
            error = "the discovery document has no issuer";
            return false;
        }
        if (jwksUri is null)
        {
            error = "the discovery document has no jwks_uri";
            return false;
        }
        error = null;
        return true;
    }
}
