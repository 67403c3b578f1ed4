using System.Globalization;
using System.Text;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// Signs an <see cref="IHttpMessage"/> with RFC 9421: serializes the <c>Signature-Input</c> member, builds the
/// signature base with the same builder the verifier uses, and signs it with a <see cref="SignatureKey"/>.
/// </summary>
public sealed class HttpMessageSigner
{
    private const int MaxSignatureBytes = 1024;

    private readonly TimeProvider _timeProvider;
    private readonly StructuredFieldTypes _types;

    /// <summary>Creates a signer.</summary>
    /// <param name="timeProvider">The clock for <c>created</c>; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="structuredFields">Structured field types for <c>sf</c> components (added to the registered ones).</param>
    public HttpMessageSigner(TimeProvider? timeProvider = null, IEnumerable<KeyValuePair<string, StructuredFieldType>>? structuredFields = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _types = structuredFields is null ? StructuredFieldTypes.Default : new StructuredFieldTypes(Merge(structuredFields));
    }

    /// <summary>Signs <paramref name="message"/>.</summary>
    /// <param name="message">The message to sign.</param>
    /// <param name="label">The signature label (an RFC 9651 key: lowercase letters, digits, <c>_-.*</c>).</param>
    /// <param name="components">The components to cover, in order.</param>
    /// <param name="parameters">The signature parameters.</param>
    /// <param name="key">A key that can sign.</param>
    /// <returns>The <c>Signature-Input</c> and <c>Signature</c> members.</returns>
    /// <exception cref="ArgumentException">The label, a component or a parameter is invalid, or the key cannot sign.</exception>
    /// <exception cref="InvalidOperationException">A covered component cannot be taken from the message (the message names the <see cref="ComponentError"/>).</exception>
    public HttpSignatureHeaders Sign(IHttpMessage message, string label, IReadOnlyList<SignatureComponent> components,
        SignatureParameters parameters, SignatureKey key)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(key);
        ValidateLabel(label);
        if (!key.CanSign)
        {
            throw new ArgumentException("The key has no private part and cannot sign.", nameof(key));
        }

        var input = SerializeInput(label, components, parameters, key);
        var limits = new SignatureInputLimits(1, Math.Max(components.Count, 1), 16, int.MaxValue);
        if (!SignatureInputParser.TryParse(input, limits, 0, static (_, _) => true, out var view, out _, out _, out var componentError, out var reason))
        {
            throw new ArgumentException("The signature cannot be expressed: " + reason + (componentError is { } e ? " (" + e.ToString() + ")" : string.Empty));
        }

        var writer = new SignatureBaseWriter(1024, SignatureBaseBuilder.DefaultMaxLength);
        try
        {
            if (!SignatureBaseBuilder.TryBuild(ref writer, message, view, _types, out var error, out var failed))
            {
                throw new InvalidOperationException("Component " + components[failed < 0 ? 0 : failed].ToString() + " cannot be signed: " + error.ToString() + ".");
            }
            Span<byte> signature = stackalloc byte[MaxSignatureBytes];
            if (!key.TrySign(writer.Written, signature, out var written))
            {
                throw new InvalidOperationException("The key failed to sign.");
            }
            var member = string.Concat(label, "=:", Convert.ToBase64String(signature[..written]), ":");
            return new HttpSignatureHeaders(label, input, member);
        }
        finally
        {
            writer.Dispose();
        }
    }

    private string SerializeInput(string label, IReadOnlyList<SignatureComponent> components, SignatureParameters parameters, SignatureKey key)
    {
        var builder = new StringBuilder(128);
        builder.Append(label).Append("=(");
        for (var i = 0; i < components.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(' ');
            }
            builder.Append(components[i].ToString());
        }
        builder.Append(')');
        if (!parameters.OmitCreated)
        {
            var created = parameters.Created ?? _timeProvider.GetUtcNow();
            builder.Append(";created=").Append(created.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        }
        if (parameters.Expires is { } expires)
        {
            builder.Append(";expires=").Append(expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        }
        var keyId = parameters.OmitKeyId ? null : parameters.KeyId ?? key.KeyId;
        AppendString(builder, "keyid", keyId);
        if (parameters.IncludeAlgorithm)
        {
            AppendString(builder, "alg", key.Algorithm);
        }
        AppendString(builder, "nonce", parameters.Nonce);
        AppendString(builder, "tag", parameters.Tag);
        return builder.ToString();
    }

    private static void AppendString(StringBuilder builder, string name, string? value)
    {
        if (value is null)
        {
            return;
        }
        builder.Append(';').Append(name).Append("=\"");
        foreach (var c in value)
        {
            if (c is < (char)0x20 or > (char)0x7E)
            {
                throw new ArgumentException("The " + name + " parameter must be printable ASCII.");
            }
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }
            builder.Append(c);
        }
        builder.Append('"');
    }

    private static void ValidateLabel(string label)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        var ok = label[0] is (>= 'a' and <= 'z') or '*';
        foreach (var c in label)
        {
            ok &= c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.' or '*';
        }
        if (!ok)
        {
            throw new ArgumentException("A signature label must be an RFC 9651 key (lowercase letters, digits, '_', '-', '.', '*').", nameof(label));
        }
    }

    private static Dictionary<string, StructuredFieldType> Merge(IEnumerable<KeyValuePair<string, StructuredFieldType>> extra)
    {
        var merged = new Dictionary<string, StructuredFieldType>(StructuredFieldTypes.Known, StringComparer.Ordinal);
        foreach (var pair in extra)
        {
            merged[pair.Key] = pair.Value;
        }
        return merged;
    }
}
