using System.Security.Cryptography;
using System.Text;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;

namespace AgentAuth.Demo;

/// <summary>
/// Signs requests the two ways LumoAuth agents do (see docs/protocols.md, "LumoAuth compatibility profile"), so the tour
/// shows the resource's LumoAuth profile accepting them. Not an SDK: it writes the wire format, deviations included.
/// </summary>
internal static class LumoAuthAgent
{
    /// <summary>
    /// The quick-start shape: <c>Agent-Auth</c> with a standard base64 Ed25519 signature over the covered lines alone
    /// (<c>"@method"</c> and <c>"@target-uri"</c>, joined by LF, no <c>@signature-params</c> line).
    /// </summary>
    public static HttpRequestMessage QuickStart(SignatureKey key, string agentId, string token, Uri url, long created)
    {
        var signatureBase = "\"@method\": GET\n\"@target-uri\": " + url.AbsoluteUri;
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        request.Headers.TryAddWithoutValidation("Agent-Auth",
            $"sig1=:{Convert.ToBase64String(Sign(key, signatureBase))}:; label=\"sig1\"; alg=\"ed25519\"; keyid=\"{agentId}#{key.KeyId}\"; created={created}; covered=\"@method @target-uri\"");
        return request;
    }

    /// <summary>
    /// The SDK shape: RFC 9421 with a base64url <c>Signature</c> and a covered <c>signature-key</c> it never sends (signed
    /// as an empty value); <c>Content-Digest</c> and <c>Content-Type</c> even without a body; <c>created</c> and a nonce.
    /// </summary>
    public static HttpRequestMessage Sdk(SignatureKey key, string token, Uri url, long created)
    {
        var digest = ContentDigest.Compute([], DigestAlgorithm.Sha256);
        var authorization = "Bearer " + token;
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        var parameters = $"(\"@method\" \"@authority\" \"@path\" \"signature-key\" \"content-digest\" \"content-type\" \"authorization\");created={created};nonce=\"{nonce}\"";
        var signatureBase = "\"@method\": GET\n\"@authority\": " + url.Authority + "\n\"@path\": " + url.AbsolutePath
            + "\n\"signature-key\": \n\"content-digest\": " + digest + "\n\"content-type\": application/json\n\"authorization\": " + authorization
            + "\n\"@signature-params\": " + parameters;
        var signature = Convert.ToBase64String(Sign(key, signatureBase)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        var request = new HttpRequestMessage(HttpMethod.Get, url) { Content = new ByteArrayContent([]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.TryAddWithoutValidation("Content-Digest", digest);
        request.Headers.TryAddWithoutValidation("Signature-Input", "sig1=" + parameters);
        request.Headers.TryAddWithoutValidation("Signature", "sig1=:" + signature + ":");
        return request;
    }

    private static byte[] Sign(SignatureKey key, string signatureBase)
    {
        var signature = new byte[64];
        if (!key.TrySign(Encoding.ASCII.GetBytes(signatureBase), signature, out var written) || written != 64)
        {
            throw new InvalidOperationException("The LumoAuth demo agent needs an Ed25519 key.");
        }
        return signature;
    }
}
