using AgentAuth.HttpSignatures.Keys;
using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace AgentAuth.AspNetCore;

/// <summary>
/// A DPoP proof split into its JWS compact serialization parts (RFC 7515 §7.1): exactly three canonical
/// base64url segments, none empty, with header and payload in valid UTF-8. The decoded bytes live in one pooled buffer until <see cref="Dispose"/>.
/// </summary>
internal sealed class DPoPProofJws : IDisposable
{
    private byte[]? _buffer;
    private readonly int _signingInputLength;
    private readonly int _headerLength;
    private readonly int _payloadLength;
    private readonly int _signatureLength;

    private DPoPProofJws(byte[] buffer, int signingInputLength, int headerLength, int payloadLength, int signatureLength)
    {
        _buffer = buffer;
        _signingInputLength = signingInputLength;
        _headerLength = headerLength;
        _payloadLength = payloadLength;
        _signatureLength = signatureLength;
    }

    /// <summary>The ASCII bytes of <c>header.payload</c>, the data the signature covers.</summary>
    public ReadOnlyMemory<byte> SigningInput => Buffer.AsMemory(0, _signingInputLength);

    /// <summary>The decoded protected header (UTF-8 JSON).</summary>
    public ReadOnlyMemory<byte> Header => Buffer.AsMemory(_signingInputLength, _headerLength);

    /// <summary>The decoded payload (UTF-8 JSON).</summary>
    public ReadOnlyMemory<byte> Payload => Buffer.AsMemory(_signingInputLength + _headerLength, _payloadLength);

    /// <summary>The decoded signature.</summary>
    public ReadOnlyMemory<byte> Signature => Buffer.AsMemory(_signingInputLength + _headerLength + _payloadLength, _signatureLength);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(DPoPProofJws));

    /// <summary>Splits and decodes <paramref name="proof"/>; <see langword="false"/> unless it is a single well-formed compact JWS.</summary>
    public static bool TryParse(ReadOnlySpan<char> proof, out DPoPProofJws? jws)
    {
        jws = null;
        var firstDot = proof.IndexOf('.');
        if (firstDot <= 0)
        {
            return false;
        }
        var secondDot = proof[(firstDot + 1)..].IndexOf('.');
        if (secondDot <= 0)
        {
            return false;
        }
        secondDot += firstDot + 1;
        var header = proof[..firstDot];
        var payload = proof[(firstDot + 1)..secondDot];
        var signature = proof[(secondDot + 1)..];
        if (signature.IsEmpty || signature.IndexOf('.') >= 0)
        {
            return false; // a JWE (five parts) or trailing data
        }

        if (!Base64UrlStrict.TryGetDecodedLength(header, out var headerLength)
            || !Base64UrlStrict.TryGetDecodedLength(payload, out var payloadLength)
            || !Base64UrlStrict.TryGetDecodedLength(signature, out var signatureLength))
        {
            return false;
        }

        var signingInputLength = secondDot;
        var buffer = ArrayPool<byte>.Shared.Rent(signingInputLength + headerLength + payloadLength + signatureLength);
        var span = buffer.AsSpan();
        var offset = signingInputLength;
        if (!Base64UrlStrict.TryDecode(header, span[offset..], out _)
            || !Base64UrlStrict.TryDecode(payload, span[(offset += headerLength)..], out _)
            || !Base64UrlStrict.TryDecode(signature, span[(offset += payloadLength)..], out _))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }
        // JSON text must be UTF-8 (RFC 8259 §8.1); JsonDocument only notices bad bytes later, by throwing from GetString.
        if (!Utf8.IsValid(span.Slice(signingInputLength, headerLength)) || !Utf8.IsValid(span.Slice(signingInputLength + headerLength, payloadLength)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }
        // Both segments were checked to be base64url characters, so this is a plain ASCII copy.
        Encoding.ASCII.GetBytes(proof[..signingInputLength], span);
        jws = new DPoPProofJws(buffer, signingInputLength, headerLength, payloadLength, signatureLength);
        return true;
    }

    /// <summary>Returns the pooled buffer.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = null;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
