using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AgentAuth.AspNetCore.Tests.Authorization;

/// <summary>The protected resources of <see cref="ScopeEndpointEquivalenceTests"/>, declared with attributes.</summary>
[ApiController]
[Route("ctrl")]
public sealed class ScopeTestController : ControllerBase
{
    [HttpGet("data/{id?}")]
    [RequireScope("read:data:{id}")]
    public string Data(string? id) => "data:" + id;

    [HttpGet("reports")]
    [RequireScope("read:reports:q3", "admin:reports:*")]
    public string Reports() => "reports";

    [HttpGet("both")]
    [RequireScope("read:data:*")]
    [RequireScope("write:data:*")]
    public string Both() => "both";

    [HttpGet("policy/data/{id?}")]
    [Authorize(Policy = ScopeEndpointEquivalenceTests.DataPolicy)]
    public string PolicyData(string? id) => "data:" + id;

    [HttpGet("policy/reports")]
    [Authorize(Policy = ScopeEndpointEquivalenceTests.ReportsPolicy)]
    public string PolicyReports() => "reports";

    [HttpGet("policy/both")]
    [Authorize(Policy = ScopeEndpointEquivalenceTests.BothPolicy)]
    public string PolicyBoth() => "both";

    [HttpGet("scope-policy/data/{id?}")]
    [Authorize(Policy = "Scope:read:data:{id}")]
    public string ScopePolicyData(string? id) => "data:" + id;

    [HttpGet("scope-policy/reports")]
    [Authorize(Policy = "Scope:read:reports:q3 admin:reports:*")]
    public string ScopePolicyReports() => "reports";
}

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
