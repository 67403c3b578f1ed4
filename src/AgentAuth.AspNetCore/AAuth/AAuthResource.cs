using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.AspNetCore;

/// <summary>
/// A scheme acting as an AAuth resource (draft-hardt-oauth-aauth-protocol), built once from validated options: the
/// challenge header values, the metadata and JWKS documents as UTF-8 bytes, the signing key and the resource-token JWS
/// header. Per challenge only a resource token's payload and signature are produced.
/// </summary>
internal sealed class AAuthResource : IDisposable
{
    public const string AgentTokenRequirement = "agent-token";
    public const string PersonTokenRequirement = "person-token";
    public const string AuthTokenRequirement = "auth-token";

    /// <summary>The well-known metadata document name (<c>dwk</c>) of a resource.</summary>
    public const string MetadataDocumentName = "aauth-resource.json";

    public const string MetadataPath = "/.well-known/" + MetadataDocumentName;

    /// <summary>The <c>dwk</c> of a person token: a principal whose token carried it (and no <c>ps</c>) proved a person token.</summary>
    public const string PersonTokenDocumentName = "aauth-person.json";

    public const string ResourceTokenType = "aa-resource+jwt";

    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;
    private readonly byte[] _encodedHeader;
    private readonly AAuthResourceKey[] _previousKeys;

    private AAuthResource(AgentAuthOptions options, AAuthResourceKey? signingKey, AAuthResourceKey[] previousKeys, TimeProvider time)
    {
        var resource = options.AAuth.Resource;
        _time = time;
        _lifetime = resource.ResourceTokenLifetime;
        _previousKeys = previousKeys;
        Issuer = resource.Issuer!;
        AccessServer = resource.AccessServer;
        SigningKey = signingKey;
        JwksPath = resource.JwksPath;
        CacheControl = resource.CacheDuration > TimeSpan.Zero
            ? "public, max-age=" + ((long)resource.CacheDuration.TotalSeconds).ToString(CultureInfo.InvariantCulture)
            : "no-cache";

        // The same answer the Signature-Key verifier and its refusals give (AAuthAcceptance): no header when nothing is enabled.
        var acceptance = AAuthAcceptance.Create(options.AAuth);
        if (resource.AdvertiseSignatureSchemes)
        {
            AcceptSignatureScheme = acceptance.AcceptSignatureScheme;
            AcceptSignatureAlg = acceptance.AcceptSignatureAlg;
        }
        // Before a person token is verified the draft allows no resource token: auth-token challenges for person-token first.
        ChallengeRequirement = resource.Requirement switch
        {
            null => null,
            AuthTokenRequirement => FormatRequirement(PersonTokenRequirement),
            var requirement => FormatRequirement(requirement),
        };
        _encodedHeader = signingKey is null ? [] : EncodeHeader(signingKey);
        JwksJson = signingKey is null ? null : SerializeJwks(signingKey, previousKeys);
        MetadataJson = SerializeMetadata(options, resource, signingKey is null ? null : Issuer + JwksPath,
            resource.AdvertiseSignatureSchemes ? acceptance.Algorithms : []);
    }

    /// <summary>Builds the resource from options that <see cref="AAuthResourceOptionsValidator"/> accepted; <see langword="null"/> when not enabled.</summary>
    public static AAuthResource? Create(AgentAuthOptions options, TimeProvider time)
    {
        var resource = options.AAuth.Resource;
        if (!resource.Enabled)
        {
            return null;
        }
        AAuthResourceKey? signing = null;
        if (AAuthResourceKey.SourceCount(resource.SigningKey) > 0)
        {
            signing = AAuthResourceKey.TryLoad(resource.SigningKey, requirePrivate: true, out var error)
                ?? throw new InvalidOperationException(nameof(AgentAuthOptions) + ".AAuth.Resource.SigningKey " + error);
        }
        var previous = new AAuthResourceKey[resource.PreviousKeys.Count];
        for (var i = 0; i < previous.Length; i++)
        {
            previous[i] = AAuthResourceKey.TryLoad(resource.PreviousKeys[i], requirePrivate: false, out var error)
                ?? throw new InvalidOperationException(nameof(AgentAuthOptions) + ".AAuth.Resource.PreviousKeys[" + i + "] " + error);
        }
        return new AAuthResource(options, signing, previous, time);
    }

    public string Issuer { get; }

    public string? AccessServer { get; }

    public AAuthResourceKey? SigningKey { get; }

    public int PreviousKeyCount => _previousKeys.Length;

    public string JwksPath { get; }

    public string CacheControl { get; }

    /// <summary>The <c>Accept-Signature-Scheme</c> value of 401 responses, or <see langword="null"/> when not advertised.</summary>
    public string? AcceptSignatureScheme { get; }

    /// <summary>The <c>Accept-Signature-Alg</c> value of 401 responses (JOSE names), or <see langword="null"/> when not advertised.</summary>
    public string? AcceptSignatureAlg { get; }

    /// <summary>The <c>AAuth-Requirement</c> of a 401 for a request that proved no person token, or <see langword="null"/>.</summary>
    public string? ChallengeRequirement { get; }

    /// <summary><c>/.well-known/aauth-resource.json</c>, serialized once.</summary>
    public byte[] MetadataJson { get; }

    /// <summary>The JWKS (current key, then previous keys), serialized once; <see langword="null"/> without a signing key.</summary>
    public byte[]? JwksJson { get; }

    /// <summary>
    /// <c>requirement=&lt;token&gt;</c>: <c>AAuth-Requirement</c> is an RFC 8941 Dictionary whose <c>requirement</c> member is a Token
    /// ("AAuth-Requirement Header Structure").
    /// </summary>
    internal static string FormatRequirement(string requirement) => "requirement=" + requirement;

    /// <summary><c>requirement=auth-token; resource-token="…"</c>; a compact JWS is base64url and dots, valid inside an sf-string as is.</summary>
    internal static string FormatAuthTokenRequirement(string resourceToken) =>
        string.Concat("requirement=", AuthTokenRequirement, "; resource-token=\"", resourceToken, "\"");

    /// <summary>
    /// Mints a resource token (draft "Resource Token Structure") for the person the request's verified person token named:
    /// <c>iss</c>, <c>dwk</c>, <c>aud</c> (the access server, else the person server), <c>jti</c>, <c>ps</c>, <c>sub</c>,
    /// <c>presented_jti</c>, <c>agent_jkt</c>, <c>iat</c>, <c>exp</c> (the configured lifetime, capped at the person token's
    /// <c>exp</c>), <c>scope</c>, and <c>mission_s256</c> / <c>tenant</c> when the person token carried them. <see langword="null"/> without a signing key or when signing fails.
    /// </summary>
    public string? MintResourceToken(in AAuthPersonContext person, string scope, out string? tokenId)
    {
        tokenId = null;
        var key = SigningKey;
        if (key is null)
        {
            return null;
        }
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        tokenId = Base64Url.EncodeToString(random);
        var issuedAt = _time.GetUtcNow().ToUnixTimeSeconds();
        // Never past the person token's exp: a person token outlives neither its mission's expires_at nor the agent token
        // ("Person Token Structure"), and a resource token carrying mission_s256 must not outlive that mission ("Resource Token").
        var expiresAt = issuedAt + (long)_lifetime.TotalSeconds;
        if (person.ExpiresAt is { } personExpiresAt && personExpiresAt < expiresAt)
        {
            expiresAt = Math.Max(issuedAt, personExpiresAt);
        }

        var payload = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", Issuer);
            writer.WriteString("dwk", MetadataDocumentName);
            writer.WriteString("aud", AccessServer ?? person.PersonServer);
            writer.WriteString("jti", tokenId);
            writer.WriteString("ps", person.PersonServer);
            writer.WriteString("sub", person.Subject);
            writer.WriteString("presented_jti", person.PersonTokenId);
            writer.WriteString("agent_jkt", person.AgentKeyThumbprint);
            writer.WriteNumber("iat", issuedAt);
            writer.WriteNumber("exp", expiresAt);
            writer.WriteString("scope", scope);
            if (person.MissionS256 is not null)
            {
                writer.WriteString("mission_s256", person.MissionS256);
            }
            if (person.Tenant is not null)
            {
                writer.WriteString("tenant", person.Tenant);
            }
            writer.WriteEndObject();
        }

        var payloadLength = Base64Url.GetEncodedLength(payload.WrittenCount);
        var inputLength = _encodedHeader.Length + 1 + payloadLength;
        var signatureLength = Base64Url.GetEncodedLength(key.Key.SignatureSize);
        var buffer = ArrayPool<byte>.Shared.Rent(inputLength + 1 + signatureLength + key.Key.SignatureSize);
        try
        {
            _encodedHeader.CopyTo(buffer, 0);
            buffer[_encodedHeader.Length] = (byte)'.';
            Base64Url.EncodeToUtf8(payload.WrittenSpan, buffer.AsSpan(_encodedHeader.Length + 1, payloadLength));
            var signature = buffer.AsSpan(inputLength + 1 + signatureLength, key.Key.SignatureSize);
            if (!key.Key.TrySignJose(key.Algorithm, buffer.AsSpan(0, inputLength), signature, out var written))
            {
                return null;
            }
            buffer[inputLength] = (byte)'.';
            Base64Url.EncodeToUtf8(signature[..written], buffer.AsSpan(inputLength + 1, signatureLength));
            return Encoding.ASCII.GetString(buffer, 0, inputLength + 1 + Base64Url.GetEncodedLength(written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: false);
        }
    }

    /// <summary>
    /// The one way a resource token is issued (403 step-up and <c>CreateAAuthResourceToken</c>): for the person token
    /// <paramref name="user"/> proved, logged. <see langword="null"/> without a signing key, without a verified person token, or
    /// when signing fails (logged as an error).
    /// </summary>
    public string? TryMintFor(System.Security.Claims.ClaimsPrincipal? user, string scope, Microsoft.Extensions.Logging.ILogger logger)
    {
        if (SigningKey is not { } key || !AAuthPersonContext.TryRead(user, out var person))
        {
            return null;
        }
        if (MintResourceToken(person, scope, out var tokenId) is { } token)
        {
            logger.AAuthResourceTokenMinted(tokenId!, person.PersonServer, AccessServer ?? person.PersonServer, scope);
            return token;
        }
        logger.AAuthResourceTokenSigningFailed(key.KeyId, key.Algorithm);
        return null;
    }

    private static byte[] EncodeHeader(AAuthResourceKey key)
    {
        var header = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(header))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", key.Algorithm);
            writer.WriteString("typ", ResourceTokenType);
            writer.WriteString("kid", key.KeyId);
            writer.WriteEndObject();
        }
        return Encoding.ASCII.GetBytes(Base64Url.EncodeToString(header.WrittenSpan));
    }

    private static byte[] SerializeJwks(AAuthResourceKey signing, AAuthResourceKey[] previous)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            WriteJwk(writer, signing);
            foreach (var key in previous)
            {
                WriteJwk(writer, key);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The public members only, with the <c>kid</c> and the fully-specified <c>alg</c> every AAuth-published key must carry ("JWKS Discovery and Caching").</summary>
    private static void WriteJwk(Utf8JsonWriter writer, AAuthResourceKey key)
    {
        var jwk = key.PublicJwk;
        writer.WriteStartObject();
        writer.WriteString("kty", jwk.KeyType);
        WriteOptional(writer, "crv", jwk.Curve);
        WriteOptional(writer, "x", jwk.X);
        WriteOptional(writer, "y", jwk.Y);
        WriteOptional(writer, "n", jwk.N);
        WriteOptional(writer, "e", jwk.E);
        writer.WriteString("kid", key.KeyId);
        writer.WriteString("alg", key.Algorithm);
        writer.WriteString("use", "sig");
        writer.WriteEndObject();
    }

    private static byte[] SerializeMetadata(AgentAuthOptions options, AAuthResourceOptions resource, string? jwksUri, IReadOnlyList<string> algorithms)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("issuer", resource.Issuer);
            WriteOptional(writer, "jwks_uri", jwksUri);
            WriteOptional(writer, "access_mode", resource.AccessMode);
            WriteOptional(writer, "name", resource.Name);
            WriteOptional(writer, "description", resource.Description);
            WriteOptional(writer, "logo_uri", resource.LogoUri);
            WriteOptional(writer, "logo_dark_uri", resource.LogoDarkUri);
            WriteOptional(writer, "documentation_uri", resource.DocumentationUri);
            WriteOptional(writer, "tos_uri", resource.TosUri);
            WriteOptional(writer, "policy_uri", resource.PolicyUri);
            WriteOptional(writer, "authorization_endpoint", resource.AuthorizationEndpoint);
            if (resource.ScopeDescriptions.Count > 0)
            {
                writer.WriteStartObject("scope_descriptions");
                foreach (var (scope, description) in resource.ScopeDescriptions)
                {
                    writer.WriteString(scope, description);
                }
                writer.WriteEndObject();
            }
            // The window the verifier applies to created (Signatures.MaxAge), so agents learn it before their first call.
            writer.WriteNumber("signature_window", (long)options.Signatures.MaxAge.TotalSeconds);
            var additional = AdditionalComponents(options.Signatures.RequiredComponents);
            if (additional.Count > 0)
            {
                writer.WriteStartArray("additional_signature_components");
                foreach (var component in additional)
                {
                    writer.WriteStringValue(component);
                }
                writer.WriteEndArray();
            }
            if (algorithms.Count > 0)
            {
                writer.WriteStartArray("accept_signature_algs");
                foreach (var algorithm in algorithms)
                {
                    writer.WriteStringValue(algorithm);
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The configured required components beyond the AAuth profile's own (<c>@method</c>, <c>@authority</c>, <c>@path</c>, <c>signature-key</c>).</summary>
    private static List<string> AdditionalComponents(IList<string> required)
    {
        var result = new List<string>();
        foreach (var component in required)
        {
            if (component is not ("@method" or "@authority" or "@path" or "signature-key"))
            {
                result.Add(component);
            }
        }
        return result;
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    public void Dispose()
    {
        SigningKey?.Dispose();
        foreach (var key in _previousKeys)
        {
            key.Dispose();
        }
    }
}
