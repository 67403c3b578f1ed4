using System.Diagnostics.CodeAnalysis;

namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>The type of a structured-field bare item (RFC 9651 §3.3).</summary>
internal enum SfItemKind
{
    /// <summary>No value (the default of an uninitialised item).</summary>
    None = 0,

    /// <summary>An integer in the range ±999,999,999,999,999 (§3.3.1).</summary>
    [SuppressMessage("Naming", "CA1720:Identifiers should not contain type names", Justification = "RFC 9651 type name.")]
    Integer,

    /// <summary>A decimal with at most 12 integer and 3 fractional digits (§3.3.2).</summary>
    [SuppressMessage("Naming", "CA1720:Identifiers should not contain type names", Justification = "RFC 9651 type name.")]
    Decimal,

    /// <summary>A string of printable ASCII characters (§3.3.3).</summary>
    [SuppressMessage("Naming", "CA1720:Identifiers should not contain type names", Justification = "RFC 9651 type name.")]
    String,

    /// <summary>A token (§3.3.4).</summary>
    Token,

    /// <summary>A byte sequence, base64 encoded on the wire (§3.3.5).</summary>
    ByteSequence,

    /// <summary>A boolean (§3.3.6).</summary>
    Boolean,

    /// <summary>A date: integer seconds since the Unix epoch (RFC 9651 §3.3.7).</summary>
    Date,

    /// <summary>A display string: Unicode text, percent-encoded UTF-8 on the wire (RFC 9651 §3.3.8).</summary>
    DisplayString,
}
