namespace AgentAuth.HttpSignatures;

/// <summary>The RFC 9421 §2.2 derived components, plus <see cref="None"/> for HTTP fields.</summary>
internal enum DerivedComponent : byte
{
    None = 0,
    Method,
    TargetUri,
    Authority,
    Scheme,
    RequestTarget,
    Path,
    Query,
    QueryParam,
    Status,
    SignatureParams,
}
