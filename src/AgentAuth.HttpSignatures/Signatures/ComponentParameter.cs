namespace AgentAuth.HttpSignatures;

/// <summary>Component identifier parameters (RFC 9421 §2.1, §2.2.8, §2.4); a flag set records which are present.</summary>
[Flags]
internal enum ComponentParameter : byte
{
    None = 0,
    Sf = 1,
    Key = 2,
    Bs = 4,
    Req = 8,
    Tr = 16,
    Name = 32,
}
