using System.Buffers;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// Builds the RFC 9421 §2.5 signature base: one line per covered component (<c>"id";params: value</c>) and the
/// final <c>"@signature-params"</c> line, as UTF-8 in a pooled <see cref="SignatureBaseWriter"/>.
/// </summary>
internal static class SignatureBaseBuilder
{
    public const int DefaultMaxLength = 64 * 1024;

    /// <summary>Appends the signature base for <paramref name="parameters"/> over <paramref name="message"/>.</summary>
    public static bool TryBuild(ref SignatureBaseWriter writer, IHttpMessage message, in SignatureParametersView parameters,
        StructuredFieldTypes types, out ComponentError error, out int failedComponent)
    {
        var count = parameters.ComponentCount;
        var components = ArrayPool<SignatureComponent>.Shared.Rent(Math.Max(count, 1));
        try
        {
            parameters.CopyComponentsTo(components);
            return TryBuild(ref writer, message, parameters, components.AsSpan(0, count), types, out error, out failedComponent);
        }
        finally
        {
            Array.Clear(components, 0, count);
            ArrayPool<SignatureComponent>.Shared.Return(components);
        }
    }

    /// <summary>
    /// The same, with the covered components already read from <paramref name="parameters"/> (the verifier reads them once).
    /// <paramref name="coveredLinesOnly"/> (<see cref="HttpSignatureVerifierOptions.OmitSignatureParamsLine"/>, a
    /// compatibility mode) ends the base after the covered lines, joined by LF, with no <c>"@signature-params"</c> line.
    /// </summary>
    public static bool TryBuild(ref SignatureBaseWriter writer, IHttpMessage message, in SignatureParametersView parameters,
        ReadOnlySpan<SignatureComponent> components, StructuredFieldTypes types, out ComponentError error, out int failedComponent,
        bool coveredLinesOnly = false)
    {
        failedComponent = -1;
        for (var i = 0; i < components.Length; i++)
        {
            if (!TryWriteLine(ref writer, components[i], message, types, out error))
            {
                failedComponent = i;
                return false;
            }
        }
        if (coveredLinesOnly)
        {
            // The lines are joined by LF: the last one has no terminator.
            writer.Truncate(Math.Max(writer.Length - 1, 0));
            error = default;
            return true;
        }
        if (!writer.TryAppend(s_derivedLinePrefixes[(int)DerivedComponent.SignatureParams]))
        {
            error = ComponentError.SignatureBaseTooLarge;
            return false;
        }
        return parameters.TryWriteSignatureParams(ref writer, out error);
    }

    // "\"@method\": " and the like as UTF-8, indexed by DerivedComponent: a derived component without parameters (the usual
    // case) starts its line with one copy instead of a checked write per piece.
    private static readonly byte[][] s_derivedLinePrefixes = CreateDerivedLinePrefixes();

    private static byte[][] CreateDerivedLinePrefixes()
    {
        var prefixes = new byte[(int)DerivedComponent.SignatureParams + 1][];
        prefixes[0] = [];
        for (var derived = DerivedComponent.Method; derived <= DerivedComponent.SignatureParams; derived++)
        {
            prefixes[(int)derived] = System.Text.Encoding.ASCII.GetBytes("\"" + ComponentNames.NameOf(derived) + "\": ");
        }
        return prefixes;
    }

    private static bool TryWriteLine(ref SignatureBaseWriter writer, in SignatureComponent component, IHttpMessage message,
        StructuredFieldTypes types, out ComponentError error)
    {
        if (component.IsDerived && component.Parameters == ComponentParameter.None)
        {
            if (!writer.TryAppend(s_derivedLinePrefixes[(int)component.Derived]))
            {
                error = ComponentError.SignatureBaseTooLarge;
                return false;
            }
        }
        else if (!TryWriteIdentifier(ref writer, component, out error) || !ComponentValueWriter.Ascii(ref writer, ": ", out error))
        {
            return false;
        }
        var valueStart = writer.Length;
        if (!ComponentValueWriter.TryWrite(ref writer, component, message, types, out error))
        {
            return false;
        }
        // A value containing a newline would forge another base line (RFC 9421 §2.5 forbids it).
        if (writer.Written[valueStart..].Contains((byte)'\n'))
        {
            error = ComponentError.NonAsciiValue;
            return false;
        }
        if (!writer.TryAppend((byte)'\n'))
        {
            error = ComponentError.SignatureBaseTooLarge;
            return false;
        }
        return true;
    }

    /// <summary>The component identifier in its canonical serialization, parameters in their received order.</summary>
    internal static bool TryWriteIdentifier(ref SignatureBaseWriter writer, in SignatureComponent component, out ComponentError error)
    {
        if (!ComponentValueWriter.Ascii(ref writer, "\"", out error)
            || !ComponentValueWriter.Ascii(ref writer, component.Name, out error)
            || !ComponentValueWriter.Ascii(ref writer, "\"", out error))
        {
            return false;
        }
        for (var i = 0; i < component.ParameterCount; i++)
        {
            var parameter = component.ParameterAt(i);
            if (!ComponentValueWriter.Ascii(ref writer, ";", out error)
                || !ComponentValueWriter.Ascii(ref writer, SignatureComponent.ParameterName(parameter), out error))
            {
                return false;
            }
            if (parameter is ComponentParameter.Key or ComponentParameter.Name)
            {
                if (!ComponentValueWriter.Ascii(ref writer, "=\"", out error))
                {
                    return false;
                }
                foreach (var c in component.Argument)
                {
                    if ((c is '"' or '\\' && !writer.TryAppend((byte)'\\')) || !ComponentValueWriter.Ascii(ref writer, [c], out error))
                    {
                        error = ComponentError.SignatureBaseTooLarge;
                        return false;
                    }
                }
                if (!ComponentValueWriter.Ascii(ref writer, "\"", out error))
                {
                    return false;
                }
            }
        }
        error = default;
        return true;
    }
}
