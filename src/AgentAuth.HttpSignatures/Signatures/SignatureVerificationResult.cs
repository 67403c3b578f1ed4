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

    /// <summary>The covered components, in signature order.</summary>
    public IReadOnlyList<SignatureComponent> Components { get; private init; } = [];

    /// <summary>For <see cref="SignatureError.InvalidInput"/>: the required components that were not covered.</summary>
    public IReadOnlyList<SignatureComponent> MissingComponents { get; private init; } = [];

    /// <summary>For <see cref="SignatureError.InvalidInput"/>: every component the policy requires.</summary>
    public IReadOnlyList<SignatureComponent> RequiredComponents { get; private init; } = [];

    /// <summary>The <c>keyid</c> parameter.</summary>
    public string? KeyId { get; private init; }

    /// <summary>The <c>created</c> parameter.</summary>
    public DateTimeOffset? Created { get; private init; }

    /// <summary>The <c>expires</c> parameter.</summary>
    public DateTimeOffset? Expires { get; private init; }

    /// <summary>The <c>nonce</c> parameter.</summary>
    public string? Nonce { get; private init; }

    /// <summary>The <c>tag</c> parameter.</summary>
    public string? Tag { get; private init; }

    /// <summary>The algorithm that verified (the key's), on success.</summary>
    public string? Algorithm { get; private init; }

    /// <summary>The key that verified, on success.</summary>
    public SignatureKey? Key { get; private init; }

    internal static SignatureVerificationResult Success(SignatureParametersView view, SignatureKey key) => new()
    {
        Label = view.Label,
        Components = view.GetComponents(),
        KeyId = view.KeyId,
        Created = ToTime(view.Created),
        Expires = ToTime(view.Expires),
        Nonce = view.Nonce,
        Tag = view.Tag,
        Algorithm = key.Algorithm,
        Key = key,
    };

    internal static SignatureVerificationResult Failure(SignatureError error, string reason, SignatureParametersView view = default,
        ComponentError? componentError = null) => new()
    {
        Error = error,
        Reason = reason,
        ComponentError = componentError,
        Label = view.IsEmpty ? null : view.Label,
        KeyId = view.IsEmpty ? null : view.KeyId,
        Created = view.IsEmpty ? null : ToTime(view.Created),
        Expires = view.IsEmpty ? null : ToTime(view.Expires),
        Tag = view.IsEmpty ? null : view.Tag,
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
