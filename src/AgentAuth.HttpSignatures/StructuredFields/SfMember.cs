namespace AgentAuth.HttpSignatures.StructuredFields;

/// <summary>A member of a list or dictionary: an <see cref="SfItem"/> or an <see cref="SfInnerList"/>, each with parameters.</summary>
internal abstract class SfMember
{
    private protected SfMember(SfParameters? parameters)
    {
        Parameters = parameters ?? new SfParameters();
    }

    /// <summary>The member's parameters.</summary>
    public SfParameters Parameters { get; }
}
