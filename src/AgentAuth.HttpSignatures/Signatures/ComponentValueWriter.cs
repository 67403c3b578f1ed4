using System.Buffers;
using System.Buffers.Text;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// Computes RFC 9421 §2 component values straight into a <see cref="SignatureBaseWriter"/>, without
/// intermediate strings: derived components from the raw request target, fields trimmed, unfolded and
/// joined, <c>bs</c> as byte sequences, <c>sf</c>/<c>key</c> re-serialized canonically.
/// </summary>
internal static class ComponentValueWriter
{
    /// <summary>Checks the parameter combination of <paramref name="component"/> against RFC 9421 §2.</summary>
    public static bool TryValidate(in SignatureComponent component, out ComponentError error)
    {
        var parameters = component.Parameters;
        if (component.Derived == DerivedComponent.SignatureParams)
        {
            error = ComponentError.SignatureParamsCovered;
            return false;
        }
        if (component.IsDerived)
        {
            var allowed = component.Derived == DerivedComponent.QueryParam
                ? ComponentParameter.Name | ComponentParameter.Req
                : ComponentParameter.Req;
            if ((parameters & ~allowed) != 0)
            {
                error = ComponentError.InvalidParameter;
                return false;
            }
            if (component.Derived == DerivedComponent.QueryParam && (parameters & ComponentParameter.Name) == 0)
            {
                error = ComponentError.QueryParamNameMissing;
                return false;
            }
        }
        else
        {
            if ((parameters & ComponentParameter.Name) != 0)
            {
                error = ComponentError.InvalidParameter;
                return false;
            }
            if ((parameters & ComponentParameter.Bs) != 0 && (parameters & (ComponentParameter.Sf | ComponentParameter.Key)) != 0)
            {
                error = ComponentError.IncompatibleParameters;
                return false;
            }
        }
        error = default;
        return true;
    }

    /// <summary>Writes the value of <paramref name="component"/> (not its identifier) taken from <paramref name="message"/>.</summary>
    public static bool TryWrite(ref SignatureBaseWriter writer, in SignatureComponent component, IHttpMessage message,
        StructuredFieldTypes types, out ComponentError error)
    {
        if (!TryValidate(component, out error))
        {
            return false;
        }
        var source = message;
        if (component.IsFromRelatedRequest)
        {
            if (message.StatusCode is null)
            {
                error = ComponentError.RequestParameterOnRequest;
                return false;
            }
            if (message.RelatedRequest is not { } related)
            {
                error = ComponentError.RelatedRequestMissing;
                return false;
            }
            source = related;
        }

        return component.IsDerived
            ? TryWriteDerived(ref writer, component, source, out error)
            : TryWriteField(ref writer, component, source, types, out error);
    }

    private static bool TryWriteDerived(ref SignatureBaseWriter writer, in SignatureComponent component, IHttpMessage message, out ComponentError error)
    {
        if (component.Derived == DerivedComponent.Status)
        {
            if (message.StatusCode is not { } status)
            {
                error = ComponentError.StatusOnRequest;
                return false;
            }
            Span<char> digits = stackalloc char[3];
            if (status is < 100 or > 999 || !status.TryFormat(digits, out _, default, System.Globalization.CultureInfo.InvariantCulture))
            {
                error = ComponentError.InvalidParameter;
                return false;
            }
            return Ascii(ref writer, digits, out error);
        }
        if (message.StatusCode is not null)
        {
            error = ComponentError.RequestComponentOnResponse;
            return false;
        }

        var target = message.RequestTarget.AsSpan();
        switch (component.Derived)
        {
            case DerivedComponent.Method:
                return Ascii(ref writer, message.Method, out error);
            case DerivedComponent.Scheme:
                return Lower(ref writer, message.Scheme, out error);
            case DerivedComponent.Authority:
                return WriteAuthority(ref writer, message.Scheme, message.Authority, out error);
            case DerivedComponent.RequestTarget:
                return Ascii(ref writer, target, out error);
            case DerivedComponent.TargetUri:
                if (RequestTargets.IsAbsoluteForm(target))
                {
                    return Ascii(ref writer, target, out error);
                }
                if (!RequestTargets.IsOriginForm(target))
                {
                    error = ComponentError.InvalidRequestTarget;
                    return false;
                }
                return Lower(ref writer, message.Scheme, out error)
                    && Ascii(ref writer, "://", out error)
                    && WriteAuthority(ref writer, message.Scheme, message.Authority, out error)
                    && Ascii(ref writer, target, out error);
            case DerivedComponent.Path:
                if (!RequestTargets.TrySplit(target, out var path, out _, out _))
                {
                    error = ComponentError.InvalidRequestTarget;
                    return false;
                }
                return Ascii(ref writer, path.IsEmpty ? "/" : path, out error);
            case DerivedComponent.Query:
                if (!RequestTargets.TrySplit(target, out _, out var query, out _))
                {
                    error = ComponentError.InvalidRequestTarget;
                    return false;
                }
                return Ascii(ref writer, "?", out error) && Ascii(ref writer, query, out error);
            case DerivedComponent.QueryParam:
                if (!RequestTargets.TrySplit(target, out _, out var fullQuery, out _))
                {
                    error = ComponentError.InvalidRequestTarget;
                    return false;
                }
                return QueryParameters.TryWriteValue(ref writer, fullQuery, component.Argument, out error);
            default:
                error = ComponentError.UnknownDerivedComponent;
                return false;
        }
    }

    private static bool TryWriteField(ref SignatureBaseWriter writer, in SignatureComponent component, IHttpMessage message,
        StructuredFieldTypes types, out ComponentError error)
    {
        if (!message.TryGetFieldLines(component.Name, component.IsFromTrailers, out var lines) || lines.Count == 0)
        {
            error = ComponentError.MissingField;
            return false;
        }
        if (component.IsByteSequence)
        {
            return WriteByteSequences(ref writer, lines, out error);
        }
        if ((component.Parameters & (ComponentParameter.Sf | ComponentParameter.Key)) != 0)
        {
            return StructuredFieldComponent.TryWrite(ref writer, component, lines, types, out error);
        }
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0 && !Ascii(ref writer, ", ", out error))
            {
                return false;
            }
            if (!WriteFieldLine(ref writer, lines[i], out error))
            {
                return false;
            }
        }
        error = default;
        return true;
    }

    /// <summary>One field line: leading/trailing whitespace removed, each obs-fold replaced by a single space.</summary>
    internal static bool WriteFieldLine(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> line, out ComponentError error)
    {
        line = TrimOws(line);
        var start = 0;
        while (start < line.Length)
        {
            var fold = line[start..].IndexOfAny('\r', '\n');
            if (fold < 0)
            {
                return Ascii(ref writer, line[start..], out error);
            }
            if (!Ascii(ref writer, line.Slice(start, fold).TrimEnd(" \t"), out error) || !Ascii(ref writer, " ", out error))
            {
                return false;
            }
            start += fold;
            while (start < line.Length && line[start] is '\r' or '\n' or ' ' or '\t')
            {
                start++;
            }
        }
        error = default;
        return true;
    }

    internal static ReadOnlySpan<char> TrimOws(ReadOnlySpan<char> value) => value.Trim(" \t\r\n");

    private static bool WriteByteSequences(ref SignatureBaseWriter writer, FieldLines lines, out ComponentError error)
    {
        Span<byte> stack = stackalloc byte[512];
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0 && !Ascii(ref writer, ", ", out error))
            {
                return false;
            }
            var line = TrimOws(lines[i]);
            byte[]? rented = null;
            var bytes = line.Length <= stack.Length ? stack[..line.Length] : (rented = ArrayPool<byte>.Shared.Rent(line.Length)).AsSpan(0, line.Length);
            try
            {
                for (var j = 0; j < line.Length; j++)
                {
                    if (line[j] > 0xFF)
                    {
                        error = ComponentError.NonAsciiValue;
                        return false;
                    }
                    bytes[j] = (byte)line[j];
                }
                var encodedLength = Base64.GetMaxEncodedToUtf8Length(bytes.Length);
                if (!writer.TryAppend((byte)':') || !writer.TryGetSpan(encodedLength, out var destination))
                {
                    error = ComponentError.SignatureBaseTooLarge;
                    return false;
                }
                Base64.EncodeToUtf8(bytes, destination, out _, out var written);
                writer.Advance(written);
                if (!writer.TryAppend((byte)':'))
                {
                    error = ComponentError.SignatureBaseTooLarge;
                    return false;
                }
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
        error = default;
        return true;
    }

    /// <summary>The authority lowercased, without the default port of <paramref name="scheme"/>.</summary>
    internal static bool WriteAuthority(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> scheme, scoped ReadOnlySpan<char> authority, out ComponentError error)
    {
        authority = authority.Trim(" \t");
        var colon = authority.LastIndexOf(':');
        if (colon >= 0 && authority[(colon + 1)..].IndexOf(']') < 0)
        {
            var port = authority[(colon + 1)..];
            if (port.IsEmpty
                || (port.SequenceEqual("443") && scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
                || (port.SequenceEqual("80") && scheme.Equals("http", StringComparison.OrdinalIgnoreCase)))
            {
                authority = authority[..colon];
            }
        }
        if (authority.IsEmpty)
        {
            error = ComponentError.InvalidRequestTarget;
            return false;
        }
        return Lower(ref writer, authority, out error);
    }

    internal static bool Ascii(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> text, out ComponentError error)
    {
        if (writer.TryAppendAscii(text, out var nonAscii))
        {
            error = default;
            return true;
        }
        error = nonAscii ? ComponentError.NonAsciiValue : ComponentError.SignatureBaseTooLarge;
        return false;
    }

    private static bool Lower(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> text, out ComponentError error)
    {
        if (!writer.TryGetSpan(text.Length, out var destination))
        {
            error = ComponentError.SignatureBaseTooLarge;
            return false;
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is < '!' or > '~')
            {
                error = ComponentError.NonAsciiValue;
                return false;
            }
            destination[i] = (byte)(c is >= 'A' and <= 'Z' ? c + 32 : c);
        }
        writer.Advance(text.Length);
        error = default;
        return true;
    }
}
