using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// Verifies RFC 9421 signatures on an <see cref="IHttpMessage"/>: parses <c>Signature-Input</c> and
/// <c>Signature</c>, selects the signature, enforces coverage and time policy against a <see cref="TimeProvider"/>,
/// resolves the key, checks the <c>alg</c> parameter against the key (the key decides the algorithm), rebuilds the
/// signature base and verifies it. Bad input never throws: it yields a failed <see cref="SignatureVerificationResult"/>.
/// </summary>
public sealed class HttpMessageSignatureVerifier
{
    private const string SignatureInputField = "signature-input";
    private const string SignatureField = "signature";
    private const int MaxSignatureBytes = 1024;

    private readonly HttpSignatureVerifierOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly SignatureInputLimits _limits;
    private readonly StructuredFieldTypes _types;
    private readonly SignatureComponent[] _required;
    private readonly long _maxAgeSeconds;
    private readonly long _skewSeconds;
    private readonly long? _maxValiditySeconds;
    private readonly HashSet<string> _allowed;
    private readonly HashSet<string>? _absentAsEmpty;
    // The label of the last verified signature: clients keep one label ("sig1"), so a success reuses its string instead of
    // copying it out of the header on every request. A benign race: concurrent writers store equal strings.
    private string? _lastLabel;
    // The same for the keyid handed to the resolver: an agent signs every request with the same key.
    private string? _lastKeyId;

    /// <summary>Creates a verifier; the options are validated and copied.</summary>
    /// <param name="options">Policy and limits.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public HttpMessageSignatureVerifier(HttpSignatureVerifierOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _limits = new SignatureInputLimits(options.MaxSignatures, options.MaxComponents, options.MaxParameters, options.MaxHeaderLength);
        _types = new StructuredFieldTypes(options.StructuredFields, options.MaxStructuredFieldLength);
        _required = [.. options.RequiredComponents];
        _maxAgeSeconds = (long)Math.Ceiling(options.MaxAge.TotalSeconds);
        _skewSeconds = (long)Math.Ceiling(options.ClockSkew.TotalSeconds);
        _maxValiditySeconds = options.MaxValidity is { } validity ? (long)Math.Ceiling(validity.TotalSeconds) : null;
        _allowed = new HashSet<string>(options.AllowedAlgorithms, StringComparer.Ordinal);
        _absentAsEmpty = options.AbsentFieldsSignedAsEmpty.Count == 0 ? null : new HashSet<string>(options.AbsentFieldsSignedAsEmpty, StringComparer.Ordinal);
    }

    /// <summary>Verifies the signature chosen by <paramref name="selection"/>.</summary>
    /// <param name="message">The message carrying <c>Signature-Input</c> and <c>Signature</c>.</param>
    /// <param name="selection">Which signature to verify.</param>
    /// <param name="resolver">Finds the verification key.</param>
    /// <param name="cancellationToken">Cancels key resolution.</param>
    /// <returns>The result; never throws for bad input.</returns>
    // Not an async method: with a key that resolves synchronously (a cached JWKS) the whole verification completes without
    // building any async state machine; only a pending key resolution continues in ResolveThenVerifyAsync.
    public ValueTask<SignatureVerificationResult> VerifyAsync(IHttpMessage message, SignatureSelection selection,
        ISignatureKeyResolver resolver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(resolver);
        if (!TryGetHeaders(message, out var input, out var signature, out var failure))
        {
            return new(failure.GetValueOrDefault());
        }
        // The parser copies the selected signature's covered components here, so they are read from the header only once.
        var components = System.Buffers.ArrayPool<SignatureComponent>.Shared.Rent(_limits.MaxComponents);
        SignatureVerificationResult? parseFailure;
        if (!SignatureInputParser.TryParse(input, _limits, selection, static (s, v) => s.Matches(v), components,
                out var view, out var matches, out var count, out var componentError, out var reason))
        {
            parseFailure = SignatureVerificationResult.Failure(SignatureError.InvalidSignature, reason ?? "Signature-Input is invalid.", componentError: componentError);
        }
        else if (matches == 0)
        {
            parseFailure = SignatureVerificationResult.Failure(SignatureError.InvalidSignature,
                selection.Label is not null ? "No signature has the expected label." : "No signature has the expected tag.");
        }
        else if (matches > 1 || (selection.Label is null && selection.Tag is null && count > 1))
        {
            parseFailure = SignatureVerificationResult.Failure(SignatureError.InvalidSignature,
                "Several signatures match; select one by label or tag.");
        }
        else
        {
            return VerifySelectedAsync(message, signature, view, components, selection.Label, resolver, cancellationToken);
        }
        // The parser copies into components only for a selected member, whose count the view holds (0 when none).
        ReturnComponents(components, view.ComponentCount);
        return new(parseFailure.GetValueOrDefault());
    }

    /// <summary>Verifies every signature of the message (RFC 9421 §4.3), each against the same policy.</summary>
    /// <param name="message">The message.</param>
    /// <param name="resolver">Finds the verification keys.</param>
    /// <param name="cancellationToken">Cancels key resolution.</param>
    /// <returns>One result per signature in header order, or a single failure when the headers cannot be read.</returns>
    public async ValueTask<IReadOnlyList<SignatureVerificationResult>> VerifyAllAsync(IHttpMessage message, ISignatureKeyResolver resolver,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(resolver);
        if (!TryGetHeaders(message, out var input, out var signature, out var failure))
        {
            return [failure.GetValueOrDefault()];
        }
        var views = new List<SignatureParametersView>();
        if (!SignatureInputParser.TryParse(input, _limits, views, static (list, v) =>
            {
                list.Add(v);
                return false;
            }, out _, out _, out _, out var componentError, out var reason))
        {
            return [SignatureVerificationResult.Failure(SignatureError.InvalidSignature, reason ?? "Signature-Input is invalid.", componentError: componentError)];
        }
        var results = new SignatureVerificationResult[views.Count];
        for (var i = 0; i < views.Count; i++)
        {
            var components = System.Buffers.ArrayPool<SignatureComponent>.Shared.Rent(Math.Max(views[i].ComponentCount, 1));
            views[i].CopyComponentsTo(components);
            results[i] = await VerifySelectedAsync(message, signature, views[i], components, null, resolver, cancellationToken).ConfigureAwait(false);
        }
        return results;
    }

    private bool TryGetHeaders(IHttpMessage message, out string input, out string signature, out SignatureVerificationResult? failure)
    {
        var hasInput = TryGetJoined(message, SignatureInputField, out input);
        var hasSignature = TryGetJoined(message, SignatureField, out signature);
        if (hasInput && hasSignature)
        {
            // Compatibility (AcceptBase64UrlSignature): the byte sequences are read in the standard alphabet from here on.
            if (_options.AcceptBase64UrlSignature && !Base64UrlSignatureValues.TryNormalize(signature, out signature))
            {
                failure = SignatureVerificationResult.Failure(SignatureError.InvalidSignature, "A Signature value mixes the base64 and base64url alphabets.");
                return false;
            }
            failure = null;
            return true;
        }
        failure = SignatureVerificationResult.Failure(SignatureError.InvalidRequest,
            hasInput || hasSignature ? "Signature-Input and Signature must both be present." : "The message is not signed.");
        return false;
    }

    private static bool TryGetJoined(IHttpMessage message, string name, out string value)
    {
        if (!message.TryGetFieldLines(name, trailers: false, out var lines) || lines.Count == 0)
        {
            value = string.Empty;
            return false;
        }
        if (lines.Count == 1)
        {
            value = lines[0];
        }
        else
        {
            var parts = new string[lines.Count];
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = lines[i].Trim();
            }
            value = string.Join(", ", parts);
        }
        return !string.IsNullOrWhiteSpace(value);
    }

    // components: the view's covered components in a pooled array this method now owns; it goes back here, or in
    // ResolveThenVerifyAsync when key resolution is still pending.
    private ValueTask<SignatureVerificationResult> VerifySelectedAsync(IHttpMessage message, string signature,
        SignatureParametersView view, SignatureComponent[] components, string? expectedLabel, ISignatureKeyResolver resolver,
        CancellationToken cancellationToken)
    {
        var count = view.ComponentCount;
        var returnHere = true;
        try
        {
            if (!SignatureValueParser.TryFind(signature, view.LabelSpan, _limits, out var signatureRange, out var reason))
            {
                return new(SignatureVerificationResult.Failure(SignatureError.InvalidSignature, reason ?? "Signature is invalid.", view));
            }
            if (CheckBeforeKey(message, view, components.AsSpan(0, count)) is { } rejection)
            {
                return new(rejection.Result);
            }
            var resolution = resolver.ResolveAsync(KeyIdOf(view), view, cancellationToken);
            if (resolution.IsCompletedSuccessfully)
            {
                return new(VerifyWithKey(resolution.Result, message, signature, signatureRange, view, components.AsSpan(0, count), expectedLabel));
            }
            returnHere = false;
            return ResolveThenVerifyAsync(resolution, message, signature, signatureRange, view, components, expectedLabel);
        }
        finally
        {
            if (returnHere)
            {
                ReturnComponents(components, count);
            }
        }
    }

    private async ValueTask<SignatureVerificationResult> ResolveThenVerifyAsync(ValueTask<SignatureKeyResolution> pending, IHttpMessage message,
        string signature, StringRange signatureRange, SignatureParametersView view, SignatureComponent[] components, string? expectedLabel)
    {
        try
        {
            var resolution = await pending.ConfigureAwait(false);
            return VerifyWithKey(resolution, message, signature, signatureRange, view, components.AsSpan(0, view.ComponentCount), expectedLabel);
        }
        finally
        {
            ReturnComponents(components, view.ComponentCount);
        }
    }

    /// <summary>
    /// A policy check's failure. The checks run on every request and almost always pass, so they return a reference that
    /// is null then, not a nullable copy of the (large) result struct; the object exists only on the failure path.
    /// </summary>
    private sealed class Rejection(SignatureVerificationResult result)
    {
        public SignatureVerificationResult Result { get; } = result;
    }

    private static void ReturnComponents(SignatureComponent[] components, int count)
    {
        Array.Clear(components, 0, count);
        System.Buffers.ArrayPool<SignatureComponent>.Shared.Return(components);
    }

    /// <summary>Policy checks that need no key: coverage, time window, nonce, the alg parameter, and the length of <c>sf</c>/<c>key</c> fields.</summary>
    private Rejection? CheckBeforeKey(IHttpMessage message, SignatureParametersView view, ReadOnlySpan<SignatureComponent> components)
    {
        if (CheckCoverage(message, view, components) is { } coverageFailure)
        {
            return coverageFailure;
        }
        if (CheckTime(view) is { } timeFailure)
        {
            return timeFailure;
        }
        if (_options.RequireNonce && !view.HasNonce)
        {
            return new Rejection(SignatureVerificationResult.Failure(SignatureError.InvalidSignature, "The signature has no nonce.", view));
        }
        if (view.HasAlgorithm && !IsAllowedAlgorithmParameter(view))
        {
            return new Rejection(SignatureVerificationResult.Failure(SignatureError.UnsupportedAlgorithm, "The alg parameter names an algorithm that is not accepted.", view));
        }
        if (_absentAsEmpty is not null && CheckAbsentFields(message, view, components) is { } absentFailure)
        {
            return absentFailure;
        }
        foreach (var component in components)
        {
            if (StructuredFieldComponent.ExceedsLimit(component, message, _types.MaxFieldLength))
            {
                return new Rejection(SignatureVerificationResult.Failure(SignatureError.InvalidSignature,
                    "A field covered with sf or key is longer than MaxStructuredFieldLength.", view, ComponentError.StructuredFieldTooLarge));
            }
        }
        return null;
    }

    /// <summary>
    /// <see cref="HttpSignatureVerifierOptions.AbsentFieldsSignedAsEmpty"/>: an absent listed field is signed as empty only
    /// when it is covered as a plain identifier; with any component parameter it stays a missing field.
    /// </summary>
    private Rejection? CheckAbsentFields(IHttpMessage message, SignatureParametersView view, ReadOnlySpan<SignatureComponent> components)
    {
        foreach (var component in components)
        {
            if (!component.IsDerived && component.Parameters != ComponentParameter.None && _absentAsEmpty!.Contains(component.Name)
                && (!message.TryGetFieldLines(component.Name, component.IsFromTrailers, out var lines) || lines.Count == 0))
            {
                return new Rejection(SignatureVerificationResult.Failure(SignatureError.InvalidSignature,
                    "The signature base cannot be built: " + Describe(ComponentError.MissingField) + ".", view, ComponentError.MissingField));
            }
        }
        return null;
    }

    private SignatureVerificationResult VerifyWithKey(SignatureKeyResolution resolution, IHttpMessage message, string signature,
        StringRange signatureRange, SignatureParametersView view, ReadOnlySpan<SignatureComponent> components, string? expectedLabel)
    {
        if (resolution.Error != SignatureError.None || resolution.Key is null)
        {
            var error = resolution.Error == SignatureError.InvalidKey ? SignatureError.InvalidKey : SignatureError.UnknownKey;
            return SignatureVerificationResult.Failure(error, resolution.Reason ?? "No key for the signature.", view);
        }
        var key = resolution.Key;
        if (!_allowed.Contains(key.Algorithm))
        {
            return SignatureVerificationResult.Failure(SignatureError.UnsupportedAlgorithm, "The key's algorithm is not accepted.", view, keyResolved: true);
        }
        if (key.Algorithm == HttpSignatureAlgorithms.HmacSha256 && !_options.AllowHmac)
        {
            return SignatureVerificationResult.Failure(SignatureError.UnsupportedAlgorithm, "HMAC signatures are not accepted.", view, keyResolved: true);
        }
        if (view.HasAlgorithm && !view.AlgorithmEquals(key.Algorithm))
        {
            return SignatureVerificationResult.Failure(SignatureError.UnsupportedAlgorithm, "The alg parameter does not match the key.", view, keyResolved: true);
        }
        return VerifyBase(message, signature, signatureRange, view, components, key, expectedLabel);
    }

    private bool IsAllowedAlgorithmParameter(SignatureParametersView view)
    {
        foreach (var algorithm in _allowed)
        {
            if (view.AlgorithmEquals(algorithm))
            {
                return algorithm != HttpSignatureAlgorithms.HmacSha256 || _options.AllowHmac;
            }
        }
        return false;
    }

    // The signature buffer is written before it is read: no need to zero a kilobyte of stack per request.
    [System.Runtime.CompilerServices.SkipLocalsInit]
    private SignatureVerificationResult VerifyBase(IHttpMessage message, string signature, StringRange signatureRange,
        SignatureParametersView view, ReadOnlySpan<SignatureComponent> components, SignatureKey key, string? expectedLabel)
    {
        var raw = signature.AsSpan(signatureRange.Start, signatureRange.Length);
        Span<byte> signatureBytes = stackalloc byte[MaxSignatureBytes];
        if (SfDecoding.GetDecodedByteSequenceLength(raw) > MaxSignatureBytes
            || !SfDecoding.TryDecodeByteSequence(raw, signatureBytes, out var signatureLength))
        {
            return SignatureVerificationResult.Failure(SignatureError.InvalidSignature, "The signature value is too long or not base64.", view, keyResolved: true);
        }
        var writer = new SignatureBaseWriter(1024, _options.MaxSignatureBaseLength);
        try
        {
            var baseMessage = _absentAsEmpty is null ? message : new AbsentFieldsAsEmptyMessage(message, _absentAsEmpty);
            if (!SignatureBaseBuilder.TryBuild(ref writer, baseMessage, view, components, _types, out var componentError, out _, _options.OmitSignatureParamsLine))
            {
                return SignatureVerificationResult.Failure(SignatureError.InvalidSignature,
                    "The signature base cannot be built: " + Describe(componentError) + ".", view, componentError, keyResolved: true);
            }
            if (!key.Verify(writer.Written, signatureBytes[..signatureLength]))
            {
                return SignatureVerificationResult.Failure(SignatureError.InvalidSignature, "The signature does not verify.", view, keyResolved: true);
            }
        }
        finally
        {
            writer.Dispose();
        }
        return SignatureVerificationResult.Success(view, key, LabelOf(view, expectedLabel));
    }

    /// <summary>The <c>keyid</c> parameter as a string (null when absent): the last one handed to a resolver when equal, else a new copy.</summary>
    private string? KeyIdOf(SignatureParametersView view)
    {
        if (Volatile.Read(ref _lastKeyId) is { } last && view.KeyIdEquals(last))
        {
            return last;
        }
        if (view.KeyId is not { } keyId)
        {
            return null;
        }
        Volatile.Write(ref _lastKeyId, keyId);
        return keyId;
    }

    /// <summary>The member's label as a string: the caller's expected label or the last verified one when equal, else a new copy.</summary>
    private string LabelOf(SignatureParametersView view, string? expectedLabel)
    {
        if (expectedLabel is not null && view.LabelEquals(expectedLabel))
        {
            return expectedLabel;
        }
        if (Volatile.Read(ref _lastLabel) is { } last && view.LabelEquals(last))
        {
            return last;
        }
        var label = view.Label;
        Volatile.Write(ref _lastLabel, label);
        return label;
    }

    private Rejection? CheckCoverage(IHttpMessage message, SignatureParametersView view, ReadOnlySpan<SignatureComponent> covered)
    {
        var requireQuery = _options.RequireQueryWhenPresent && message.StatusCode is null
            && RequestTargets.TrySplit(message.RequestTarget, out _, out _, out var hasQuery) && hasQuery;
        if (_required.Length == 0 && !requireQuery)
        {
            return null;
        }
        List<SignatureComponent>? missing = null;
        foreach (var component in _required)
        {
            if (covered.IndexOf(component) < 0 && !CoveredByTarget(component, covered))
            {
                (missing ??= []).Add(component);
            }
        }
        if (requireQuery && covered.IndexOf(SignatureComponent.Query) < 0
            && covered.IndexOf(SignatureComponent.TargetUri) < 0
            && covered.IndexOf(SignatureComponent.RequestTarget) < 0)
        {
            (missing ??= []).Add(SignatureComponent.Query);
        }
        if (missing is null)
        {
            return null;
        }
        var required = new List<SignatureComponent>(_required);
        if (requireQuery && !required.Contains(SignatureComponent.Query))
        {
            required.Add(SignatureComponent.Query);
        }
        return new Rejection(SignatureVerificationResult.CoverageFailure(view, missing, required));
    }

    /// <summary>
    /// <c>@target-uri</c> contains <c>@scheme</c>, <c>@authority</c>, <c>@path</c> and <c>@query</c>, and <c>@request-target</c>
    /// contains <c>@path</c> and <c>@query</c>, so covering them satisfies a requirement for those parts.
    /// </summary>
    // The covered span is a slice of a pooled array: search only it, never the rest of the rented buffer.
    private static bool CoveredByTarget(SignatureComponent required, ReadOnlySpan<SignatureComponent> covered)
    {
        if (required == SignatureComponent.Scheme || required == SignatureComponent.Authority)
        {
            return covered.IndexOf(SignatureComponent.TargetUri) >= 0;
        }
        if (required == SignatureComponent.Path || required == SignatureComponent.Query)
        {
            return covered.IndexOf(SignatureComponent.TargetUri) >= 0 || covered.IndexOf(SignatureComponent.RequestTarget) >= 0;
        }
        return false;
    }

    private Rejection? CheckTime(SignatureParametersView view)
    {
        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (view.Created is { } created)
        {
            if (created > now + _skewSeconds)
            {
                return new Rejection(SignatureVerificationResult.Failure(SignatureError.ClockSkew, "created is in the future.", view));
            }
            if (now - created > _maxAgeSeconds)
            {
                return new Rejection(SignatureVerificationResult.Failure(SignatureError.Expired, "The signature is older than the allowed window.", view));
            }
        }
        else if (_options.RequireCreated)
        {
            return new Rejection(SignatureVerificationResult.Failure(SignatureError.InvalidSignature, "The signature has no created parameter.", view));
        }
        if (view.Expires is { } expires)
        {
            if (view.Created is { } c && expires < c)
            {
                return new Rejection(SignatureVerificationResult.Failure(SignatureError.InvalidSignature, "expires is before created.", view));
            }
            if (expires + _skewSeconds < now)
            {
                return new Rejection(SignatureVerificationResult.Failure(SignatureError.Expired, "The signature has expired.", view));
            }
            if (_maxValiditySeconds is { } maxValidity && view.Created is { } signed && expires - signed > maxValidity)
            {
                return new Rejection(SignatureVerificationResult.Failure(SignatureError.InvalidSignature, "The signature's lifetime (expires - created) is longer than allowed.", view));
            }
        }
        else if (_options.RequireExpires)
        {
            return new Rejection(SignatureVerificationResult.Failure(SignatureError.InvalidSignature, "The signature has no expires parameter.", view));
        }
        return null;
    }

    private static string Describe(ComponentError error) => error switch
    {
        ComponentError.MissingField => "a covered field is missing",
        ComponentError.RelatedRequestMissing => "a req component has no related request",
        ComponentError.StatusOnRequest => "@status on a request",
        ComponentError.QueryParamNotFound => "the query parameter is absent",
        ComponentError.QueryParamRepeated => "the query parameter occurs more than once",
        ComponentError.InvalidStructuredField => "a structured field does not parse",
        ComponentError.DictionaryMemberMissing => "the dictionary member is absent",
        ComponentError.UnknownStructuredFieldType => "sf on a field of unknown structured type",
        ComponentError.NonAsciiValue => "a value is not printable ASCII",
        ComponentError.SignatureBaseTooLarge => "the base exceeds MaxSignatureBaseLength",
        ComponentError.StructuredFieldTooLarge => "a field covered with sf or key exceeds MaxStructuredFieldLength",
        _ => error.ToString(),
    };
}
