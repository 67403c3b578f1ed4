using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// Reads <c>Signature-Input</c> (an RFC 9651 dictionary of inner lists) with the allocation-free
/// <see cref="StructuredFieldReader"/> into <see cref="SignatureParametersView"/> values that point into the
/// header string. Every component identifier is validated here (RFC 9421 §2.5), including duplicates.
/// </summary>
internal static class SignatureInputParser
{
    /// <summary>
    /// Parses the whole header, checks the limits, and returns the member selected by <paramref name="select"/>
    /// (called for each member in order; the first match wins, <paramref name="matches"/> counts them).
    /// </summary>
    public static bool TryParse<TState>(string input, SignatureInputLimits limits, TState state,
        Func<TState, SignatureParametersView, bool> select, out SignatureParametersView selected, out int matches, out int count,
        out ComponentError? componentError, out string? reason) =>
        TryParse(input, limits, state, select, [], out selected, out matches, out count, out componentError, out reason);

    /// <summary>
    /// The same, also copying the selected member's covered components into <paramref name="selectedComponents"/> (at least
    /// <see cref="SignatureInputLimits.MaxComponents"/> long, or empty to skip), so the verifier does not read them again.
    /// </summary>
    public static bool TryParse<TState>(string input, SignatureInputLimits limits, TState state,
        Func<TState, SignatureParametersView, bool> select, Span<SignatureComponent> selectedComponents,
        out SignatureParametersView selected, out int matches, out int count, out ComponentError? componentError, out string? reason)
    {
        selected = default;
        matches = 0;
        count = 0;
        componentError = null;
        if (input.Length > limits.MaxHeaderLength)
        {
            reason = "Signature-Input is longer than MaxHeaderLength.";
            return false;
        }
        var reader = new StructuredFieldReader(input);
        if (reader.IsAtEnd)
        {
            reason = "Signature-Input is empty.";
            return false;
        }
        // One pooled buffer for every member's components; only the slots a member wrote are cleared afterwards.
        var components = System.Buffers.ArrayPool<SignatureComponent>.Shared.Rent(limits.MaxComponents);
        var used = 0;
        // Labels seen so far, to refuse a repeated one in linear time (a member takes at least two characters, "a,").
        var maxMembers = Math.Min(limits.MaxSignatures, (input.Length / 2) + 1);
        var labelStorageLength = SpanKeyTable.StorageLength(maxMembers);
        int[]? labelStorage = null;
        var labels = new SpanKeyTable(input, labelStorageLength <= 64 ? stackalloc int[64]
            : (labelStorage = System.Buffers.ArrayPool<int>.Shared.Rent(labelStorageLength)), maxMembers);
        try
        {
            while (true)
            {
                if (++count > limits.MaxSignatures)
                {
                    reason = "Signature-Input has more signatures than MaxSignatures.";
                    return false;
                }
                var ok = TryParseMember(input, ref reader, limits, components, out var view, out var read, out componentError, out reason);
                used = Math.Max(used, read);
                if (!ok)
                {
                    return false;
                }
                input.AsSpan().Overlaps(view.LabelSpan, out var labelStart);
                if (labels.TryAddOrGet(labelStart, view.LabelSpan.Length, count, out _))
                {
                    reason = "Signature-Input repeats a label.";
                    return false;
                }
                if (select(state, view) && ++matches == 1)
                {
                    selected = view;
                    if (!selectedComponents.IsEmpty)
                    {
                        components.AsSpan(0, view.ComponentCount).CopyTo(selectedComponents);
                    }
                }
                if (!reader.TryReadMemberSeparator(out var end))
                {
                    reason = "Signature-Input is not a valid structured dictionary: " + reader.Error;
                    return false;
                }
                if (end)
                {
                    reason = null;
                    return true;
                }
            }
        }
        finally
        {
            Array.Clear(components, 0, used);
            System.Buffers.ArrayPool<SignatureComponent>.Shared.Return(components);
            if (labelStorage is not null)
            {
                System.Buffers.ArrayPool<int>.Shared.Return(labelStorage);
            }
        }
    }

    // components: scratch of at least MaxComponents slots; written holds how many slots were written (to clear), even on failure.
    // RFC 9421 §4.1: a member is a label, an inner list of component identifiers (each at most once, §2.5) and the
    // signature parameters (§2.3).
    private static bool TryParseMember(string input, ref StructuredFieldReader reader, SignatureInputLimits limits, SignatureComponent[] components,
        out SignatureParametersView view, out int written, out ComponentError? componentError, out string? reason)
    {
        view = default;
        written = 0;
        componentError = null;
        if (!TryReadLabel(ref reader, out var label, out reason))
        {
            return false;
        }
        input.AsSpan().Overlaps(label, out var labelStart);
        var memberStart = reader.Position;

        var ok = TryReadComponents(input, ref reader, components, limits.MaxComponents, out var componentCount, out componentError, out reason);
        // A failed read may have written the slot after the last complete component (never beyond MaxComponents).
        written = Math.Min(componentCount + 1, limits.MaxComponents);
        if (!ok || !TryRejectDuplicateComponents(components.AsSpan(0, componentCount), out componentError, out reason))
        {
            return false;
        }
        if (!TryReadSignatureParameters(input, ref reader, limits.MaxParameters, out var parameters, out reason))
        {
            return false;
        }

        view = new SignatureParametersView(input, labelStart, label.Length, memberStart, reader.Position - memberStart,
            componentCount, parameters.Created, parameters.Expires, parameters.Nonce, parameters.KeyId, parameters.Alg, parameters.Tag);
        return true;
    }

    /// <summary>Reads the member's label; the value must be an inner list (RFC 9421 §4.1).</summary>
    private static bool TryReadLabel(ref StructuredFieldReader reader, out ReadOnlySpan<char> label, out string? reason)
    {
        if (!reader.TryReadDictionaryKey(out label, out var hasValue))
        {
            reason = "Signature-Input is not a valid structured dictionary: " + reader.Error;
            return false;
        }
        if (!hasValue || !reader.IsInnerListNext)
        {
            reason = "A Signature-Input member must be an inner list of component identifiers.";
            return false;
        }
        reason = null;
        return true;
    }

    /// <summary>RFC 9421 §2.5: a component identifier (name and parameters) is covered at most once.</summary>
    private static bool TryRejectDuplicateComponents(ReadOnlySpan<SignatureComponent> components, out ComponentError? componentError, out string? reason)
    {
        for (var i = 1; i < components.Length; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (components[i].Equals(components[j]))
                {
                    componentError = ComponentError.DuplicateComponent;
                    reason = "Component " + components[i].ToString() + " is covered twice.";
                    return false;
                }
            }
        }
        componentError = null;
        reason = null;
        return true;
    }

    /// <summary>The signature parameters of RFC 9421 §2.3 read from one member; strings reference the header text.</summary>
    private struct SignatureParameterValues
    {
        public long? Created;
        public long? Expires;
        public StringRange Nonce;
        public StringRange KeyId;
        public StringRange Alg;
        public StringRange Tag;
    }

    /// <summary>
    /// Reads the inner list's parameters (RFC 9421 §2.3): <c>created</c> and <c>expires</c> non-negative integers,
    /// <c>nonce</c>, <c>keyid</c>, <c>alg</c> and <c>tag</c> strings, none repeated; others are kept in the text, not interpreted.
    /// </summary>
    private static bool TryReadSignatureParameters(string input, ref StructuredFieldReader reader, int maxParameters,
        out SignatureParameterValues parameters, out string? reason)
    {
        parameters = default;
        var parameterCount = 0;
        while (true)
        {
            if (!reader.TryReadParameter(out var key, out var value, out var end))
            {
                reason = "Signature-Input parameters are malformed: " + reader.Error;
                return false;
            }
            if (end)
            {
                reason = null;
                return true;
            }
            if (++parameterCount > maxParameters)
            {
                reason = "Signature-Input has more parameters than MaxParameters.";
                return false;
            }
            if (!TryStoreSignatureParameter(input, key, value, ref parameters, out reason))
            {
                return false;
            }
        }
    }

    private static bool TryStoreSignatureParameter(string input, ReadOnlySpan<char> key, SfBareItemSpan value,
        ref SignatureParameterValues parameters, out string? reason)
    {
        bool duplicate;
        switch (key)
        {
            case "created":
            case "expires":
                if (value.Kind != SfItemKind.Integer || value.IntegerValue < 0)
                {
                    reason = "The created and expires parameters must be non-negative integers.";
                    return false;
                }
                ref var time = ref key[0] == 'c' ? ref parameters.Created : ref parameters.Expires;
                duplicate = time.HasValue;
                time = value.IntegerValue;
                break;
            case "nonce":
            case "keyid":
            case "alg":
            case "tag":
                if (value.Kind != SfItemKind.String)
                {
                    reason = "The nonce, keyid, alg and tag parameters must be strings.";
                    return false;
                }
                input.AsSpan().Overlaps(value.Raw, out var start);
                var range = new StringRange(start, value.Raw.Length, true);
                ref var slot = ref key[0] == 'n' ? ref parameters.Nonce : ref key[0] == 'k' ? ref parameters.KeyId
                    : ref key[0] == 'a' ? ref parameters.Alg : ref parameters.Tag;
                duplicate = slot.IsPresent;
                slot = range;
                break;
            default:
                // Parameters from later specifications are kept (they are part of @signature-params) but not interpreted.
                duplicate = false;
                break;
        }
        reason = duplicate ? "A Signature-Input parameter is repeated." : null;
        return !duplicate;
    }

    /// <summary>Reads an inner list of component identifiers (reader at <c>(</c>) and its items' parameters; stops before the list's own parameters.</summary>
    internal static bool TryReadComponents(string input, ref StructuredFieldReader reader, Span<SignatureComponent> destination, int max,
        out int count, out ComponentError? componentError, out string? reason)
    {
        count = 0;
        componentError = null;
        if (!reader.TryReadInnerListStart())
        {
            reason = "A Signature-Input member must be an inner list.";
            return false;
        }
        while (true)
        {
            if (!reader.TryReadInnerListItem(out var item, out var end))
            {
                reason = "Signature-Input is malformed: " + reader.Error;
                return false;
            }
            if (end)
            {
                reason = null;
                return true;
            }
            if (count >= max || count >= destination.Length)
            {
                reason = "Signature-Input covers more components than MaxComponents.";
                return false;
            }
            if (!TryReadComponent(input, ref reader, item, out destination[count], out componentError, out reason))
            {
                return false;
            }
            count++;
        }
    }

    // RFC 9421 §2: a component identifier is a string (a derived component name or a lowercase field name) with the
    // parameters of §2.1 and §2.2.8.
    private static bool TryReadComponent(string input, ref StructuredFieldReader reader, SfBareItemSpan item,
        out SignatureComponent component, out ComponentError? componentError, out string? reason)
    {
        component = default;
        if (!TryReadComponentName(item, out var name, out var derived, out componentError, out reason)
            || !TryReadComponentParameters(input, ref reader, out var parameters, out componentError, out reason))
        {
            return false;
        }
        component = new SignatureComponent(name, derived, parameters.Flags, parameters.Order,
            parameters.ArgumentSource, parameters.ArgumentStart, parameters.ArgumentLength);
        if (!ComponentValueWriter.TryValidate(component, out var invalid))
        {
            componentError = invalid;
            reason = "Component " + component.ToString() + " is not valid: " + invalid.ToString() + ".";
            return false;
        }
        componentError = null;
        reason = null;
        return true;
    }

    /// <summary>The name: a registered derived component (RFC 9421 §2.2) or a lowercase field name (§2.1), interned.</summary>
    private static bool TryReadComponentName(SfBareItemSpan item, out string name, out DerivedComponent derived,
        out ComponentError? componentError, out string? reason)
    {
        name = string.Empty;
        derived = DerivedComponent.None;
        var raw = item.Raw;
        if (item.Kind != SfItemKind.String || raw.IsEmpty || raw.IndexOf('\\') >= 0)
        {
            componentError = ComponentError.InvalidComponentName;
            reason = "A component identifier must be a non-empty string.";
            return false;
        }
        if (raw[0] == '@')
        {
            derived = ComponentNames.ParseDerived(raw);
            if (derived == DerivedComponent.None)
            {
                componentError = ComponentError.UnknownDerivedComponent;
                reason = "Unknown derived component.";
                return false;
            }
            name = ComponentNames.NameOf(derived);
        }
        else
        {
            if (!ComponentNames.IsLowercaseFieldName(raw))
            {
                componentError = ComponentError.InvalidComponentName;
                reason = "A field component name must be a lowercase field name.";
                return false;
            }
            name = ComponentNames.InternField(raw);
        }
        componentError = null;
        reason = null;
        return true;
    }

    /// <summary>A component's parameters in the order written, and the unescaped value of <c>key</c> or <c>name</c>.</summary>
    private struct ComponentParameters
    {
        public ComponentParameter Flags;
        public int Order;
        public int Count;
        public string? ArgumentSource;
        public int ArgumentStart;
        public int ArgumentLength;
    }

    /// <summary>Reads a component's parameters: each known (RFC 9421 §2.1, §2.2.8), of its type, at most once.</summary>
    private static bool TryReadComponentParameters(string input, ref StructuredFieldReader reader, out ComponentParameters parameters,
        out ComponentError? componentError, out string? reason)
    {
        parameters = default;
        while (true)
        {
            if (!reader.TryReadParameter(out var key, out var value, out var end))
            {
                componentError = null;
                reason = "Signature-Input is malformed: " + reader.Error;
                return false;
            }
            if (end)
            {
                componentError = null;
                reason = null;
                return true;
            }
            if (!TryAddComponentParameter(input, key, value, ref parameters, out componentError, out reason))
            {
                return false;
            }
        }
    }

    private static bool TryAddComponentParameter(string input, ReadOnlySpan<char> key, SfBareItemSpan value, ref ComponentParameters parameters,
        out ComponentError? componentError, out string? reason)
    {
        var parameter = key switch
        {
            "sf" => ComponentParameter.Sf,
            "key" => ComponentParameter.Key,
            "bs" => ComponentParameter.Bs,
            "req" => ComponentParameter.Req,
            "tr" => ComponentParameter.Tr,
            "name" => ComponentParameter.Name,
            _ => ComponentParameter.None,
        };
        componentError = ComponentError.InvalidParameter;
        if (parameter == ComponentParameter.None)
        {
            componentError = ComponentError.UnknownParameter;
            reason = "Unknown component parameter.";
            return false;
        }
        var isString = parameter is ComponentParameter.Key or ComponentParameter.Name;
        if (isString ? value.Kind != SfItemKind.String : value.Kind != SfItemKind.Boolean || !value.BooleanValue)
        {
            reason = "A component parameter has a value of the wrong type.";
            return false;
        }
        if ((parameters.Flags & parameter) != 0)
        {
            reason = "A component parameter is repeated.";
            return false;
        }
        if (isString)
        {
            if ((parameters.Flags & (ComponentParameter.Key | ComponentParameter.Name)) != 0)
            {
                reason = "key and name cannot be combined.";
                return false;
            }
            SetArgument(input, value.Raw, ref parameters);
        }
        parameters.Flags |= parameter;
        parameters.Order |= SignatureComponent.Slot(parameters.Count++, parameter);
        componentError = null;
        reason = null;
        return true;
    }

    /// <summary>References the argument in the header text, or unescapes it into a new string when it has escapes.</summary>
    private static void SetArgument(string input, ReadOnlySpan<char> argument, ref ComponentParameters parameters)
    {
        if (argument.IndexOf('\\') < 0)
        {
            parameters.ArgumentSource = input;
            input.AsSpan().Overlaps(argument, out parameters.ArgumentStart);
            parameters.ArgumentLength = argument.Length;
        }
        else
        {
            SfDecoding.TryUnescapeString(argument, out var unescaped);
            parameters.ArgumentSource = unescaped ?? string.Empty;
            parameters.ArgumentStart = 0;
            parameters.ArgumentLength = parameters.ArgumentSource.Length;
        }
    }
}
