namespace AgentAuth.HttpSignatures;

/// <summary>
/// Why a covered component could not be turned into a signature base line (RFC 9421 §2.5), or why a component
/// identifier is not acceptable. Each condition has its own value so callers and tests can tell them apart.
/// </summary>
public enum ComponentError
{
    /// <summary>The same component identifier (same name and parameters, in any order) is covered twice.</summary>
    DuplicateComponent = 1,

    /// <summary>A covered header or trailer field is not present in the message.</summary>
    MissingField,

    /// <summary><c>sf</c> was requested on a field whose structured type is not known.</summary>
    UnknownStructuredFieldType,

    /// <summary>A field covered with <c>sf</c> or <c>key</c> does not parse as the structured type it needs.</summary>
    InvalidStructuredField,

    /// <summary>The dictionary member named by <c>key</c> is absent from the field.</summary>
    DictionaryMemberMissing,

    /// <summary><c>bs</c> combined with <c>sf</c> or <c>key</c>.</summary>
    IncompatibleParameters,

    /// <summary>A component has <c>req</c> but the message has no related request.</summary>
    RelatedRequestMissing,

    /// <summary>A component of a signature over a request has <c>req</c>.</summary>
    RequestParameterOnRequest,

    /// <summary>A derived component name (starting with <c>@</c>) that RFC 9421 does not define.</summary>
    UnknownDerivedComponent,

    /// <summary>A component parameter that RFC 9421 does not define.</summary>
    UnknownParameter,

    /// <summary>A known parameter on a component it does not apply to, or with a value of the wrong type.</summary>
    InvalidParameter,

    /// <summary><c>@status</c> on a request.</summary>
    StatusOnRequest,

    /// <summary>A request-only derived component (for example <c>@method</c>) on a response without <c>req</c>.</summary>
    RequestComponentOnResponse,

    /// <summary><c>@query-param</c> without its <c>name</c> parameter.</summary>
    QueryParamNameMissing,

    /// <summary>The query parameter named by <c>@query-param</c> does not occur in the query.</summary>
    QueryParamNotFound,

    /// <summary>The query parameter named by <c>@query-param</c> occurs more than once.</summary>
    QueryParamRepeated,

    /// <summary>A component value contains characters outside printable ASCII, which a signature base cannot hold.</summary>
    NonAsciiValue,

    /// <summary><c>@signature-params</c> listed among the covered components.</summary>
    SignatureParamsCovered,

    /// <summary>A component name that is not a string, not lowercase, or not a valid field name.</summary>
    InvalidComponentName,

    /// <summary>The request target cannot provide the requested component (for example <c>@path</c> of <c>*</c>).</summary>
    InvalidRequestTarget,

    /// <summary>The signature base would exceed the configured maximum length.</summary>
    SignatureBaseTooLarge,

    /// <summary>A field covered with <c>sf</c> or <c>key</c> is longer than the verifier canonicalizes (<see cref="HttpSignatureVerifierOptions.MaxStructuredFieldLength"/>).</summary>
    StructuredFieldTooLarge,
}
