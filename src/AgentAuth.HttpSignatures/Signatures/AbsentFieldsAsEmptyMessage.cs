namespace AgentAuth.HttpSignatures;

/// <summary>
/// For <see cref="HttpSignatureVerifierOptions.AbsentFieldsSignedAsEmpty"/> only: the message as it is, except that a listed
/// header field the message does not carry reads as one empty field line (so its base line is <c>"name": </c>). A field the
/// message carries, and every other field, reads as received.
/// </summary>
internal sealed class AbsentFieldsAsEmptyMessage : IHttpMessage
{
    private readonly IHttpMessage _inner;
    private readonly HashSet<string> _fields;

    public AbsentFieldsAsEmptyMessage(IHttpMessage inner, HashSet<string> fields)
    {
        _inner = inner;
        _fields = fields;
    }

    public string Method => _inner.Method;

    public string Scheme => _inner.Scheme;

    public string Authority => _inner.Authority;

    public string RequestTarget => _inner.RequestTarget;

    public int? StatusCode => _inner.StatusCode;

    public IHttpMessage? RelatedRequest => _inner.RelatedRequest;

    public bool TryGetFieldLines(string lowerCaseName, bool trailers, out FieldLines lines)
    {
        if (_inner.TryGetFieldLines(lowerCaseName, trailers, out lines) && lines.Count > 0)
        {
            return true;
        }
        if (!trailers && _fields.Contains(lowerCaseName))
        {
            lines = new FieldLines(string.Empty);
            return true;
        }
        return false;
    }
}
