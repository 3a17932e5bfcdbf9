using System.Net;
using Dcnet.Design;
using Dcnet.Wire;

namespace Dcnet.Trace;

/// <summary>The transport a trace sends.</summary>
public enum TraceProtocol
{
    [Token("tcp")]
    Tcp,

    [Token("udp")]
    Udp,

    [Token("icmp")]
    Icmp,
}

/// <summary>What to trace.</summary>
public sealed record TraceRequest
{
    /// <summary>A VM name (vm-web-0001, or vm-web-0001/eth1 for one vNIC), a host name, or an IP address.</summary>
    public required string From { get; init; }

    public required string To { get; init; }

    public TraceProtocol Protocol { get; init; } = TraceProtocol.Tcp;

    public ushort SourcePort { get; init; } = 49152;

    public ushort DestinationPort { get; init; } = 443;

    /// <summary>Size of the IP packet the source sends, in bytes (header included). Default: the source's MTU.</summary>
    public int? Size { get; init; }

    /// <summary>Set the don't-fragment bit (IPv4); IPv6 routers never fragment either way.</summary>
    public bool DontFragment { get; init; } = true;

    public IpFamily Family { get; init; } = IpFamily.Ipv4;
}

/// <summary>How a trace ends.</summary>
public enum TraceVerdict
{
    [Token("delivered")]
    Delivered,

    [Token("fragmented")]
    Fragmented,

    [Token("too-big-at-source")]
    TooBigAtSource,

    [Token("dropped")]
    Dropped,

    [Token("black-holed")]
    BlackHoled,

    [Token("unreachable")]
    Unreachable,
}

/// <summary>What a device does to the packet at a hop.</summary>
public enum HopAction
{
    [Token("send")]
    Send,

    [Token("switch")]
    Switch,

    [Token("tag")]
    Tag,

    [Token("untag")]
    Untag,

    [Token("encap")]
    Encap,

    [Token("decap")]
    Decap,

    [Token("route")]
    Route,

    [Token("snat")]
    Snat,

    [Token("fragment")]
    Fragment,

    [Token("drop")]
    Drop,

    [Token("deliver")]
    Deliver,
}

/// <summary>The time one hop adds, split into its terms.</summary>
public sealed record LatencyTerms(double SerializationNs, double DeviceNs, double PropagationNs, string DeviceKind)
{
    public double TotalNs => SerializationNs + DeviceNs + PropagationNs;
}

/// <summary>Which equal-cost next hop a switch picked, and why.</summary>
public sealed record EcmpChoice(IReadOnlyList<string> Candidates, int Chosen, uint Hash, string Why);

/// <summary>Which bond member carried the frame, and why.</summary>
public sealed record BondChoice(string Bond, string Member, int MemberIndex, string Why);

/// <summary>One hop of a trace: the device, the interface it leaves by (or arrives on), what it did, and the frame as it is on the wire after it.</summary>
public sealed record TraceHop
{
    public required int Index { get; init; }

    public required string Device { get; init; }

    /// <summary>vm, host, vswitch, leaf, spine, border, external.</summary>
    public required string Kind { get; init; }

    public required string Interface { get; init; }

    public Wire.Mtu? Mtu { get; init; }

    public required HopAction Action { get; init; }

    public required string Note { get; init; }

    /// <summary>The frame leaving this hop (null when the packet was dropped here).</summary>
    public Frame? Frame { get; init; }

    public required LatencyTerms Latency { get; init; }

    public EcmpChoice? Ecmp { get; init; }

    public BondChoice? Bond { get; init; }

    /// <summary>The ACL that decided, when a segmentation policy applies at this hop.</summary>
    public AclHop? Acl { get; init; }
}

/// <summary>The ACL decision at a hop: stage, priority, direction, match and action (IsDefault: no explicit rule decided).</summary>
public sealed record AclHop(string Stage, int Priority, string Direction, string Match, string Action, bool IsDefault);

/// <summary>The answer to a trace.</summary>
public sealed record TraceResult
{
    public required TraceRequest Request { get; init; }

    public required string FromDescription { get; init; }

    public required string ToDescription { get; init; }

    public required IPAddress Source { get; init; }

    public required IPAddress Destination { get; init; }

    public required TraceVerdict Verdict { get; init; }

    public required string VerdictDetail { get; init; }

    /// <summary>Fragments the packet became (1 when not fragmented).</summary>
    public int Fragments { get; init; } = 1;

    /// <summary>The path MTU the sender learns by PMTUD: its own MTU, lowered by every too-big ICMP that reaches it.</summary>
    public required int PathMtu { get; init; }

    /// <summary>The largest ICMP echo payload delivered with DF set (ping -M do -s N), counting every limit on the path, silent ones too.</summary>
    public required int MaxDfPayload { get; init; }

    public required IReadOnlyList<TraceHop> Hops { get; init; }

    public double LatencyNs => Hops.Sum(h => h.Latency.TotalNs);
}
