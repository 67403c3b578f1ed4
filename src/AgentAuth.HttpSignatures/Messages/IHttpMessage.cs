namespace AgentAuth.HttpSignatures;

/// <summary>
/// The view of an HTTP request or response that RFC 9421 component values are computed from.
/// Implementations expose what the message carries on the wire, unnormalized: the signature base builder
/// applies the RFC 9421 §2 rules (lowercasing the authority, dropping a default port, trimming field
/// lines). The interface has no per-call allocation requirements of its own, so a pooled, reusable
/// adapter over a server request can implement it.
/// </summary>
public interface IHttpMessage
{
    /// <summary>The request method as received (for example <c>POST</c>); empty for a response.</summary>
    string Method { get; }

    /// <summary>The URI scheme the request was received on (<c>http</c> or <c>https</c>); empty for a response.</summary>
    string Scheme { get; }

    /// <summary>The authority (host and optional port) as the message has it; empty for a response.</summary>
    string Authority { get; }

    /// <summary>
    /// The request target exactly as received, never percent-decoded: origin-form (<c>/path?query</c>),
    /// absolute-form (<c>https://host/path</c>), authority-form (<c>host:port</c>) or asterisk-form (<c>*</c>).
    /// Empty for a response.
    /// </summary>
    string RequestTarget { get; }

    /// <summary>The status code of a response; <see langword="null"/> for a request.</summary>
    int? StatusCode { get; }

    /// <summary>The request this response answers, for components with the <c>req</c> parameter; otherwise <see langword="null"/>.</summary>
    IHttpMessage? RelatedRequest { get; }

    /// <summary>Gets the raw field lines of a header (or trailer) field.</summary>
    /// <param name="lowerCaseName">The field name in lowercase.</param>
    /// <param name="trailers"><see langword="true"/> to look in the trailer section instead of the header section.</param>
    /// <param name="lines">The field lines in received order.</param>
    /// <returns><see langword="true"/> when the field is present (possibly with an empty value).</returns>
    bool TryGetFieldLines(string lowerCaseName, bool trailers, out FieldLines lines);
}
