using AgentAuth.HttpSignatures.StructuredFields;

namespace AgentAuth.HttpSignatures;

/// <summary>Reads the <c>Signature</c> dictionary and locates one label's byte sequence without allocating.</summary>
internal static class SignatureValueParser
{
    /// <summary>
    /// Validates the whole header as a dictionary within the limits and returns the position of the base64 text
    /// of <paramref name="label"/>'s byte sequence. False (with a reason) when malformed, ambiguous or absent.
    /// </summary>
    public static bool TryFind(string header, ReadOnlySpan<char> label, SignatureInputLimits limits, out StringRange raw, out string? reason)
    {
        raw = default;
        if (header.Length > limits.MaxHeaderLength)
        {
            reason = "Signature is longer than MaxHeaderLength.";
            return false;
        }
        var reader = new StructuredFieldReader(header);
        var count = 0;
        var found = false;
        while (!reader.IsAtEnd)
        {
            if (++count > limits.MaxSignatures)
            {
                reason = "Signature has more members than MaxSignatures.";
                return false;
            }
            if (!reader.TryReadDictionaryKey(out var key, out var hasValue))
            {
                reason = "Signature is not a valid structured dictionary: " + reader.Error;
                return false;
            }
            var match = key.SequenceEqual(label);
            if (match && found)
            {
                reason = "Signature repeats the label.";
                return false;
            }
            if (hasValue && !reader.IsInnerListNext)
            {
                if (!reader.TryReadBareItem(out var item) || !reader.TrySkipParameters())
                {
                    reason = "Signature is not a valid structured dictionary: " + reader.Error;
                    return false;
                }
                if (match)
                {
                    if (item.Kind != SfItemKind.ByteSequence)
                    {
                        reason = "The Signature member is not a byte sequence.";
                        return false;
                    }
                    header.AsSpan().Overlaps(item.Raw, out var start);
                    raw = new StringRange(start, item.Raw.Length, true);
                    found = true;
                }
            }
            else
            {
                if ((hasValue ? !reader.TrySkipMember() : !reader.TrySkipParameters()))
                {
                    reason = "Signature is not a valid structured dictionary: " + reader.Error;
                    return false;
                }
                if (match)
                {
                    reason = "The Signature member is not a byte sequence.";
                    return false;
                }
            }
            if (!reader.TryReadMemberSeparator(out var end))
            {
                reason = "Signature is not a valid structured dictionary: " + reader.Error;
                return false;
            }
            if (end)
            {
                break;
            }
        }
        reason = found ? null : "Signature has no member for the label.";
        return found;
    }
}
