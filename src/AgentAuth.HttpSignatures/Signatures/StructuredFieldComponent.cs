using System.Buffers;
using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures;

/// <summary>
/// <c>sf</c> and <c>key</c> component values (RFC 9421 §2.1.1, §2.1.2): the field is read with
/// <see cref="StructuredFieldReader"/> and written back in the canonical serialization of RFC 9651 §4.1 by
/// <see cref="SfWriter"/> (through <see cref="SfTextCanonicalizer"/>, in linear time), then copied into the signature base.
/// </summary>
internal static class StructuredFieldComponent
{
    private const int StackChars = 512;

    private enum Shape
    {
        Item,
        List,
        Dictionary,
        DictionaryMember,
        Member,
    }

    public static bool TryWrite(ref SignatureBaseWriter writer, in SignatureComponent component, FieldLines lines,
        StructuredFieldTypes types, out ComponentError error)
    {
        Shape shape;
        if ((component.Parameters & ComponentParameter.Key) != 0)
        {
            shape = Shape.DictionaryMember;
        }
        else if (!types.TryGet(component.Name, out var type))
        {
            error = ComponentError.UnknownStructuredFieldType;
            return false;
        }
        else
        {
            shape = type switch
            {
                StructuredFieldType.Item => Shape.Item,
                StructuredFieldType.List => Shape.List,
                _ => Shape.Dictionary,
            };
        }

        // Refused before the field is copied or parsed: the limit bounds all the work below.
        var total = JoinedLength(lines);
        if (total > types.MaxFieldLength)
        {
            error = ComponentError.StructuredFieldTooLarge;
            return false;
        }

        // Multiple field lines form one value joined with ", " (RFC 9110 §5.3) before parsing.
        char[]? rented = null;
        var buffer = total <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(total));
        try
        {
            scoped ReadOnlySpan<char> value;
            if (lines.Count == 1)
            {
                value = ComponentValueWriter.TrimOws(lines[0]);
            }
            else
            {
                var length = 0;
                for (var i = 0; i < lines.Count; i++)
                {
                    if (i > 0)
                    {
                        buffer[length++] = ',';
                        buffer[length++] = ' ';
                    }
                    var line = ComponentValueWriter.TrimOws(lines[i]);
                    line.CopyTo(buffer[length..]);
                    length += line.Length;
                }
                value = buffer[..length];
            }
            return TryCanonicalize(ref writer, value, shape, component.Argument, out error);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="component"/> is covered with <c>sf</c> or <c>key</c> and its field in
    /// <paramref name="message"/> is longer than <paramref name="maxLength"/>: the verifier asks before resolving a key.
    /// </summary>
    public static bool ExceedsLimit(in SignatureComponent component, IHttpMessage message, int maxLength)
    {
        if (component.IsDerived || (component.Parameters & (ComponentParameter.Sf | ComponentParameter.Key)) == 0)
        {
            return false;
        }
        var source = component.IsFromRelatedRequest ? message.RelatedRequest : message;
        return source is not null
            && source.TryGetFieldLines(component.Name, component.IsFromTrailers, out var lines)
            && JoinedLength(lines) > maxLength;
    }

    /// <summary>The length of the field value the <c>sf</c>/<c>key</c> paths canonicalize: lines trimmed, joined with <c>", "</c>.</summary>
    private static int JoinedLength(FieldLines lines)
    {
        var total = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            total += ComponentValueWriter.TrimOws(lines[i]).Length + (i > 0 ? 2 : 0);
        }
        return total;
    }

    /// <summary>Canonical serialization of one list member (item or inner list, with parameters) given as text.</summary>
    internal static bool TryWriteMember(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> member, out ComponentError error) =>
        TryCanonicalize(ref writer, member, Shape.Member, default, out error);

    private static bool TryCanonicalize(ref SignatureBaseWriter writer, scoped ReadOnlySpan<char> value, Shape shape,
        scoped ReadOnlySpan<char> key, out ComponentError error)
    {
        // The canonical form is never longer than twice the input plus two: ',' becomes ", ", an unpadded byte sequence of
        // at least four characters gains at most two '=', a bare dictionary key becomes "?1" under key; nothing else grows.
        var size = (value.Length * 2) + 16;
        char[]? rented = null;
        var output = size <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(size));
        try
        {
            var sf = new SfWriter(output);
            var missing = false;
            var ok = shape switch
            {
                Shape.Item => SfTextCanonicalizer.TryWriteItem(value, ref sf),
                Shape.List => SfTextCanonicalizer.TryWriteList(value, ref sf),
                Shape.Dictionary => SfTextCanonicalizer.TryWriteDictionary(value, ref sf),
                Shape.DictionaryMember => SfTextCanonicalizer.TryWriteDictionaryMember(value, key, ref sf, out missing),
                _ => SfTextCanonicalizer.TryWriteMember(value, ref sf),
            };
            if (!ok)
            {
                error = sf.TooSmall ? ComponentError.SignatureBaseTooLarge
                    : missing ? ComponentError.DictionaryMemberMissing
                    : ComponentError.InvalidStructuredField;
                return false;
            }
            return ComponentValueWriter.Ascii(ref writer, output[..sf.Position], out error);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
