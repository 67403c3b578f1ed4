using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// The outcome of verifying one signature: success with what was verified, or an error with a short reason.
/// </summary>
/// <remarks>
/// A value: a successful verification allocates no result object (it is returned on every signed request). Its
/// parameters (<see cref="Created"/>, <see cref="Nonce"/>, <see cref="Components"/>...) are read from the parsed
/// <c>Signature-Input</c> member when asked for. A <see langword="default"/> instance is a failure
/// (<see cref="SignatureError.InvalidSignature"/>), never a success: only the verifier creates a success.
/// </remarks>
public readonly struct SignatureVerificationResult
{
    private readonly SignatureParametersView _view;
    // Set on success only: a result with a key and no failure is a verified signature.
    private readonly SignatureKey? _key;
    private readonly string? _label;
    // Set on failure only (failures are rare, so their details live in one object of their own).
    private readonly FailureDetails? _failure;

    private SignatureVerificationResult(SignatureParametersView view, SignatureKey? key, string? label, FailureDetails? failure)
    {
        _view = view;
        _key = key;
        _label = label;
        _failure = failure;
    }

    /// <summary>Whether the signature verified and satisfied the policy.</summary>
    public bool Succeeded => _key is not null && _failure is null;

    /// <summary>The error, or <see cref="SignatureError.None"/>.</summary>
    public SignatureError Error => _failure?.Error ?? (Succeeded ? SignatureError.None : SignatureError.InvalidSignature);

    /// <summary>The <c>Signature-Error</c> wire code, or <see langword="null"/> on success.</summary>
    public string? ErrorCode => Error.ToWireCode();

    /// <summary>The component identifier problem behind an <see cref="SignatureError.InvalidSignature"/>, when there is one.</summary>
    public ComponentError? ComponentError => _failure?.ComponentError;

    /// <summary>A short human-readable reason (never contains the signature).</summary>
    public string? Reason => _failure is { } failure ? failure.Reason : Succeeded ? null : NotVerifiedReason;

    /// <summary>The label of the signature (when one was selected).</summary>
    public string? Label => _label ?? _failure?.Label ?? (_view.IsEmpty ? null : _view.Label);

    /// <summary>The covered components, in signature order (on success read from the header, as a new array, on each call).</summary>
    public IReadOnlyList<SignatureComponent> Components =>
        _failure?.Components ?? (Succeeded && !_view.IsEmpty ? _view.GetComponents() : []);

    /// <summary>
    /// Whether the plain field <paramref name="fieldName"/> (lower-case, without parameters such as <c>sf</c> or <c>key</c>)
    /// is covered, without materializing <see cref="Components"/>.
    /// </summary>
    /// <param name="fieldName">The lower-case field name, for example <c>content-digest</c>.</param>
    public bool Covers(string fieldName)
    {
        ArgumentNullException.ThrowIfNull(fieldName);
        if (_failure?.Components is not { } components)
        {
            return _view.CoversPlainField(fieldName);
        }
        foreach (var component in components)
        {
            if (!component.IsDerived && component.Key is null && string.Equals(component.Name, fieldName, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>For <see cref="SignatureError.InvalidInput"/>: the required components that were not covered.</summary>
    public IReadOnlyList<SignatureComponent> MissingComponents => _failure?.MissingComponents ?? [];

    /// <summary>For <see cref="SignatureError.InvalidInput"/>: every component the policy requires.</summary>
    public IReadOnlyList<SignatureComponent> RequiredComponents => _failure?.RequiredComponents ?? [];

    /// <summary>The <c>keyid</c> parameter (the key's own id string when the parameter equals it).</summary>
    public string? KeyId => _failure?.KeyId
        ?? (_view.IsEmpty ? null : _key?.KeyId is { } keyId && _view.KeyIdEquals(keyId) ? keyId : _view.KeyId);

    // Read from the parsed member when asked for, so a result carries no copies of them.

    /// <summary>The <c>created</c> parameter.</summary>
    public DateTimeOffset? Created => _view.IsEmpty ? null : ToTime(_view.Created);

    /// <summary>The <c>expires</c> parameter.</summary>
    public DateTimeOffset? Expires => _view.IsEmpty ? null : ToTime(_view.Expires);

    /// <summary>The <c>nonce</c> parameter (on success).</summary>
    public string? Nonce => Succeeded && !_view.IsEmpty ? _view.Nonce : null;

    /// <summary>The <c>tag</c> parameter.</summary>
    public string? Tag => _view.IsEmpty ? null : _view.Tag;

    /// <summary>
    /// The <c>nonce</c> of a verified signature, for building a replay key without materializing <see cref="Nonce"/>: a
    /// slice of the header when it has no escapes (no copy), else the unescaped string.
    /// </summary>
    /// <param name="nonce">The nonce value, or empty when there is none.</param>
    /// <returns>Whether the verified signature has a <c>nonce</c>.</returns>
    public bool TryGetNonce(out ReadOnlySpan<char> nonce)
    {
        if (!Succeeded || _view.IsEmpty || !_view.HasNonce)
        {
            nonce = default;
            return false;
        }
        var raw = _view.RawNonce;
        nonce = raw.Contains('\\') ? _view.Nonce : raw;
        return true;
    }

    /// <summary>
    /// Whether a key was resolved for the signature. A failure with a resolved key happened while verifying with that
    /// key (for example <see cref="SignatureError.InvalidSignature"/>: the signature does not verify with it), so a caller
    /// can tell a failed proof of possession from a signature that never reached its key.
    /// </summary>
    public bool KeyResolved => _failure?.KeyResolved ?? Succeeded;

    /// <summary>The algorithm that verified (the key's), on success.</summary>
    public string? Algorithm => Succeeded ? _key!.Algorithm : null;

    /// <summary>The key that verified, on success.</summary>
    public SignatureKey? Key => Succeeded ? _key : null;

    private const string NotVerifiedReason = "The signature was not verified.";

    /// <summary>A success. <paramref name="label"/> is the member's label, as a string the caller may share between results.</summary>
    internal static SignatureVerificationResult Success(SignatureParametersView view, SignatureKey key, string label) =>
        new(view, key, label, failure: null);

    internal static SignatureVerificationResult Failure(SignatureError error, string reason, SignatureParametersView view = default,
        ComponentError? componentError = null, bool keyResolved = false) =>
        new(view, key: null, label: null, new FailureDetails(error, reason, componentError, keyResolved));

    internal static SignatureVerificationResult CoverageFailure(SignatureParametersView view, IReadOnlyList<SignatureComponent> missing,
        IReadOnlyList<SignatureComponent> required) =>
        // No view: a coverage failure reports the label, keyid and components, but no time parameters or nonce.
        new(default, key: null, label: null, new FailureDetails(SignatureError.InvalidInput, "The signature does not cover required components.", null, false)
        {
            Label = view.Label,
            KeyId = view.KeyId,
            Components = view.GetComponents(),
            MissingComponents = missing,
            RequiredComponents = required,
        });

    private static DateTimeOffset? ToTime(long? unixSeconds) =>
        unixSeconds is { } s && s <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    /// <inheritdoc />
    public override string ToString() => Succeeded ? "Verified " + Label : (ErrorCode + ": " + Reason);

    private sealed class FailureDetails(SignatureError error, string reason, ComponentError? componentError, bool keyResolved)
    {
        public SignatureError Error { get; } = error;

        public string Reason { get; } = reason;

        public ComponentError? ComponentError { get; } = componentError;

        public bool KeyResolved { get; } = keyResolved;

        public string? Label { get; init; }

        public string? KeyId { get; init; }

        public IReadOnlyList<SignatureComponent>? Components { get; init; }

        public IReadOnlyList<SignatureComponent>? MissingComponents { get; init; }

        public IReadOnlyList<SignatureComponent>? RequiredComponents { get; init; }
    }
}
