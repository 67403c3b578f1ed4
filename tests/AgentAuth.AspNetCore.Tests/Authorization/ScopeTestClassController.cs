using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Mvc;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>Class-level and action-level attributes are all-of.</summary>
[ApiController]
[Route("ctrl-class")]
[RequireScope("read:data:*")]
public sealed class ScopeTestClassController : ControllerBase
{
    [HttpGet("both")]
    [RequireScope("write:data:*")]
    public string Both() => "both";
}
