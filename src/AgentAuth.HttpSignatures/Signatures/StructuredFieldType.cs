namespace AgentAuth.HttpSignatures;

/// <summary>The top-level type of a structured field (RFC 9651 §3), needed to re-serialize it for an <c>sf</c> component.</summary>
public enum StructuredFieldType
{
    /// <summary>An Item field.</summary>
    Item = 1,

    /// <summary>A List field.</summary>
    List,

    /// <summary>A Dictionary field.</summary>
    Dictionary,
}
