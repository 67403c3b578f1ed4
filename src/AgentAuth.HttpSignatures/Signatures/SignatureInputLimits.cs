namespace AgentAuth.HttpSignatures;

/// <summary>Bounds applied while parsing <c>Signature-Input</c> and <c>Signature</c>, so hostile input costs little.</summary>
internal readonly record struct SignatureInputLimits(int MaxSignatures, int MaxComponents, int MaxParameters, int MaxHeaderLength)
{
    public static SignatureInputLimits Default { get; } = new(8, 32, 8, 8192);
}
