using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.HttpSignatures;

/// <summary>The outcome of verifying one signature: success with what was verified, or an error with a short reason.</summary>
public sealed class SignatureVerificationResult
{
    private SignatureVerificationResult() { }

    /// <summary>Whether the signature verified and satisfied the policy.</summary>
    public bool Succeeded => Error == SignatureError.None;

    /// <summary>The error, or <see cref="SignatureError.None"/>.</summary>
    public SignatureError Error { get; private init; }

    /// <summary>The <c>Signature-Error</c> wire code, or <see langword="null"/> on success.</summary>
    public string? ErrorCode => Error.ToWireCode();

    /// <summary>The component identifier problem behind an <see cref="SignatureError.InvalidSignature"/>, when there is one.</summary>
    public ComponentError? ComponentError { get; private init; }

    /// <summary>A short human-readable reason (never contains the signature).</summary>
    public string? Reason { get; private init; }

    /// <summary>The label of the signature (when one was selected).</summary>
    public string? Label { get; private init; }

    private SignatureParametersView View { get; init; }
    private IReadOnlyList<SignatureComponent>? _components;

    /// <summary>The covered components, in signature order (on success, read from the header when first asked for).</summary>
    public IReadOnlyList<SignatureComponent> Components
    {
        // A benign race: concurrent first reads build equal arrays.
        get => _components ??= Succeeded && !View.IsEmpty ? View.GetComponents() : [];
        private init => _components = value;
    }

    /// <summary>
    /// Whether the plain field <paramref name="fieldName"/> (lower-case, without parameters such as <c>sf</c> or <c>key</c>)
    /// is covered, without materializing <see cref="Components"/>.
    /// </summary>
    /// <param name="fieldName">The lower-case field name, for example <c>content-digest</c>.</param>
    public bool Covers(string fieldName)
    {
        ArgumentNullException.ThrowIfNull(fieldName);
        if (_components is null)
        {
            return View.CoversPlainField(fieldName);
        }
        foreach (var component in _components)
        {
            if (!component.IsDerived && component.Key is null && string.Equals(component.Name, fieldName, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>For <see cref="SignatureError.InvalidInput"/>: the required components that were not covered.</summary>
    public IReadOnlyList<SignatureComponent> MissingComponents { get; private init; } = [];

    /// <summary>For <see cref="SignatureError.InvalidInput"/>: every component the policy requires.</summary>
    public IReadOnlyList<SignatureComponent> RequiredComponents { get; private init; } = [];

    /// <summary>The <c>keyid</c> parameter.</summary>
    public string? KeyId { get; private init; }

    // Read from the parsed member when asked for, so a result carries no copies of them.

    /// <summary>The <c>created</c> parameter.</summary>
    public DateTimeOffset? Created => View.IsEmpty ? null : ToTime(View.Created);

    /// <summary>The <c>expires</c> parameter.</summary>
    public DateTimeOffset? Expires => View.IsEmpty ? null : ToTime(View.Expires);

    /// <summary>The <c>nonce</c> parameter (on success).</summary>
    public string? Nonce => IncludesNonce && !View.IsEmpty ? View.Nonce : null;

    /// <summary>The <c>tag</c> parameter.</summary>
    public string? Tag => View.IsEmpty ? null : View.Tag;

    private bool IncludesNonce { get; init; }

    private bool HasNonce => IncludesNonce && !View.IsEmpty && View.HasNonce;

    /// <summary>
    /// The <c>nonce</c> of a verified signature, for building a replay key without materializing <see cref="Nonce"/>: a
    /// slice of the header when it has no escapes (no copy), else the unescaped string.
    /// </summary>
    /// <param name="nonce">The nonce value, or empty when there is none.</param>
    /// <returns>Whether the verified signature has a <c>nonce</c>.</returns>
    public bool TryGetNonce(out ReadOnlySpan<char> nonce)
    {
        if (!HasNonce)
        {
            nonce = default;
            return false;
        }
        var raw = View.RawNonce;
        nonce = raw.Contains('\\') ? View.Nonce : raw;
        return true;
    }

    /// <summary>
    /// Whether a key was resolved for the signature. A failure with a resolved key happened while verifying with that
    /// key (for example <see cref="SignatureError.InvalidSignature"/>: the signature does not verify with it), so a caller
    /// can tell a failed proof of possession from a signature that never reached its key.
    /// </summary>
    public bool KeyResolved { get; private init; }

    /// <summary>The algorithm that verified (the key's), on success.</summary>
    public string? Algorithm { get; private init; }

    /// <summary>The key that verified, on success.</summary>
    public SignatureKey? Key { get; private init; }

    /// <summary>
    /// A success. Strings the caller already holds are reused rather than copied from the header: the label when it is
    /// <paramref name="expectedLabel"/>, the keyid when it is the key's own id.
    /// </summary>
    internal static SignatureVerificationResult Success(SignatureParametersView view, SignatureKey key, string? expectedLabel = null) => new()
    {
        View = view,
        Label = expectedLabel is not null && view.LabelEquals(expectedLabel) ? expectedLabel : view.Label,
        KeyId = key.KeyId is { } keyId && view.KeyIdEquals(keyId) ? keyId : view.KeyId,
        IncludesNonce = true,
        KeyResolved = true,
        Algorithm = key.Algorithm,
        Key = key,
    };

    internal static SignatureVerificationResult Failure(SignatureError error, string reason, SignatureParametersView view = default,
        ComponentError? componentError = null, bool keyResolved = false) => new()
    {
        Error = error,
        KeyResolved = keyResolved,
        Reason = reason,
        ComponentError = componentError,
        View = view,
        Label = view.IsEmpty ? null : view.Label,
        KeyId = view.IsEmpty ? null : view.KeyId,
    };

    internal static SignatureVerificationResult CoverageFailure(SignatureParametersView view, IReadOnlyList<SignatureComponent> missing,
        IReadOnlyList<SignatureComponent> required) => new()
    {
        Error = SignatureError.InvalidInput,
        Reason = "The signature does not cover required components.",
        Label = view.Label,
        KeyId = view.KeyId,
        Components = view.GetComponents(),
        MissingComponents = missing,
        RequiredComponents = required,
    };

    private static DateTimeOffset? ToTime(long? unixSeconds) =>
        unixSeconds is { } s && s <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    /// <inheritdoc />
    public override string ToString() => Succeeded ? "Verified " + Label : (ErrorCode + ": " + Reason);
}
