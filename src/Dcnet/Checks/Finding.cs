using Dcnet.Design;

namespace Dcnet.Checks;

/// <summary>How bad a finding is. Ordered: a higher value is worse.</summary>
public enum Severity
{
    [Token("info")]
    Info = 0,

    [Token("warning")]
    Warning = 1,

    [Token("error")]
    Error = 2,
}

/// <summary>The foundations findings are grouped by, in report order.</summary>
public enum Foundation
{
    [Token("addressing"), Doc("Address plan")]
    Addressing,

    [Token("fabric"), Doc("Fabric and placement")]
    Fabric,

    [Token("vlans"), Doc("VLANs and 802.1Q")]
    Vlans,

    [Token("traffic"), Doc("East-west and north-south")]
    Traffic,

    [Token("mtu"), Doc("MTU and overlay overhead")]
    Mtu,

    [Token("bonding"), Doc("Bonding modes and hash policies")]
    Bonding,

    [Token("dns-dhcp"), Doc("DNS and DHCP lifecycle")]
    DnsDhcp,

    [Token("sdn"), Doc("SDN and micro-segmentation")]
    Sdn,

    [Token("bgp"), Doc("BGP spine-leaf and VIP announcement")]
    Bgp,

    [Token("dual-stack"), Doc("IPv4/IPv6 dual-stack")]
    DualStack,
}

/// <summary>A rule a check enforces: a stable id, what it means and how to fix what it finds.</summary>
/// <param name="Id">Stable id such as ADDR001; never reused for another meaning.</param>
/// <param name="Foundation">The foundation the rule belongs to.</param>
/// <param name="Severity">The severity its findings usually have (a finding may be milder).</param>
/// <param name="Title">One line.</param>
/// <param name="Rationale">Why it matters, for docs/checks.md and SARIF help.</param>
/// <param name="Fix">The usual fix.</param>
public sealed record Rule(string Id, Foundation Foundation, Severity Severity, string Title, string Rationale, string Fix);

/// <summary>One thing a check found: which rule, how bad, where in the design, the numbers that prove it, and the fix.</summary>
public sealed record Finding
{
    public required Rule Rule { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>The message, with the numbers that prove it.</summary>
    public required string Message { get; init; }

    /// <summary>Names of the objects involved (devices, networks, VMs), sorted as the check found them.</summary>
    public IReadOnlyList<string> Objects { get; init; } = [];

    /// <summary>Where in the design the cause was written.</summary>
    public required SourceLocation Location { get; init; }

    /// <summary>A fix specific to this finding; the rule's generic fix otherwise.</summary>
    public string? Fix { get; init; }

    public string Id => Rule.Id;

    public string FixText => Fix ?? Rule.Fix;
}

/// <summary>A family of related rules evaluated together on the resolved network.</summary>
public interface ICheck
{
    IReadOnlyList<Rule> Rules { get; }

    IEnumerable<Finding> Run(Topology.Network network);
}
