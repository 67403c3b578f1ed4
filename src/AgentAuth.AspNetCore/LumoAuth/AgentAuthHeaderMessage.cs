using AgentAuth.HttpSignatures;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The request as the core verifier reads it for a quick-start <c>Agent-Auth</c> signature: every component from the
/// request itself, and <c>Signature-Input</c> / <c>Signature</c> rebuilt from the parsed <c>Agent-Auth</c> header, so the
/// one RFC 9421 verifier (coverage, time window, <c>alg</c>, key resolution, base, signature) checks it too. The request
/// never carries its own <c>Signature-Input</c> or <c>Signature</c> here (the handler refuses the mix).
/// </summary>
internal sealed class AgentAuthHeaderMessage : IHttpMessage
{
    private readonly IHttpMessage _request;
    private readonly string _signatureInput;
    private readonly string _signature;

    public AgentAuthHeaderMessage(IHttpMessage request, AgentAuthSignatureHeader header)
    {
        _request = request;
        _signatureInput = header.ToSignatureInput();
        _signature = header.ToSignature();
    }

    public string Method => _request.Method;

    public string Scheme => _request.Scheme;

    public string Authority => _request.Authority;

    public string RequestTarget => _request.RequestTarget;

    public int? StatusCode => null;

    public IHttpMessage? RelatedRequest => null;

    public bool TryGetFieldLines(string lowerCaseName, bool trailers, out FieldLines lines)
    {
        if (!trailers && lowerCaseName == "signature-input")
        {
            lines = new FieldLines(_signatureInput);
            return true;
        }
        if (!trailers && lowerCaseName == "signature")
        {
            lines = new FieldLines(_signature);
            return true;
        }
        return _request.TryGetFieldLines(lowerCaseName, trailers, out lines);
    }
}
