using System.Net;
using System.Runtime.CompilerServices;
using Dcnet.Design;

namespace Dcnet.Sdn;

/// <summary>The conntrack state a packet is evaluated with, as ovn-trace's <c>--ct</c> sets it.</summary>
public enum ConnectionState : byte
{
    /// <summary>The first packet of a connection (<c>--ct=new</c>); the request direction of an established connection
    /// gets the same verdict (OVN arms one allow and one drop hint for both).</summary>
    New,

    /// <summary>A reply of a committed connection (<c>--ct=est,rpl</c>): every stateful switch passes it at priority 65532.</summary>
    EstablishedReply,
}

/// <summary>
/// One packet for the ACL evaluator, with its endpoints already resolved to logical ports: a wire fact, allocation-free.
/// Build it with <see cref="AclEvaluator.Between"/>, <see cref="AclEvaluator.FromOutside"/>,
/// <see cref="AclEvaluator.ToOutside"/> or <see cref="AclEvaluator.Packet"/>.
/// </summary>
public readonly record struct AclPacket
{
    /// <summary>The VM port the packet enters the logical network from, or -1 when it comes from the physical network.</summary>
    public int SourcePort { get; init; }

    /// <summary>The VM port it is meant for, or -1 when it leaves the logical network.</summary>
    public int DestinationPort { get; init; }

    public IpFamily Family { get; init; }

    /// <summary>The source address as a 128-bit integer (IPv4 in the low 32 bits).</summary>
    public UInt128 SourceAddress { get; init; }

    public UInt128 DestinationAddress { get; init; }

    /// <summary>The VM port whose addresses include the source address, or -1: what OVN's <c>$pg_ip4</c> sets see.</summary>
    public int SourceOwner { get; init; }

    public int DestinationOwner { get; init; }

    public TransportClass Transport { get; init; }

    /// <summary>The IP protocol number (6, 17, 1 or 58, or the 'other' protocol).</summary>
    public byte IpProtocol { get; init; }

    /// <summary>TCP/UDP source port; ICMP type for ICMP.</summary>
    public ushort L4Source { get; init; }

    /// <summary>TCP/UDP destination port; ICMP code for ICMP.</summary>
    public ushort L4Destination { get; init; }

    public IPAddress SourceIp => Topology.IpMath.FromUInt128(SourceAddress, Family == IpFamily.Ipv4);

    public IPAddress DestinationIp => Topology.IpMath.FromUInt128(DestinationAddress, Family == IpFamily.Ipv4);

    /// <summary>The same packet the other way round: what a reply looks like.</summary>
    public AclPacket Reversed() => this with
    {
        SourcePort = DestinationPort,
        DestinationPort = SourcePort,
        SourceAddress = DestinationAddress,
        DestinationAddress = SourceAddress,
        SourceOwner = DestinationOwner,
        DestinationOwner = SourceOwner,
        L4Source = Transport is TransportClass.Tcp or TransportClass.Udp ? L4Destination : L4Source,
        L4Destination = Transport is TransportClass.Tcp or TransportClass.Udp ? L4Source : L4Destination,
    };
}

/// <summary>How a packet crosses the logical network.</summary>
public enum PathKind : byte
{
    /// <summary>No way from the source to the destination in this family.</summary>
    None,

    /// <summary>Both ends on one logical switch.</summary>
    SameSwitch,

    /// <summary>Through the logical router between two overlay networks.</summary>
    ViaRouter,

    /// <summary>Out through a localnet port or the router's gateway port, across the physical fabric, and in again.</summary>
    ViaFabric,

    /// <summary>Only one end is in the logical network; the other is outside.</summary>
    ToOrFromOutside,
}

/// <summary>How the packet reached the switch of a stage.</summary>
public enum StageEntry : byte
{
    /// <summary>The first switch on the path.</summary>
    First,

    /// <summary>The same pipeline run as the previous stage (egress after ingress).</summary>
    Same,

    /// <summary>Through the logical router (a patch port).</summary>
    Router,

    /// <summary>Through the physical network: a new pipeline run entering from a localnet port.</summary>
    Fabric,
}

/// <summary>What decided a stage.</summary>
public enum StageDecision : byte
{
    /// <summary>The switch has no ACL at all: OVN omits the stage (priority 65535, next).</summary>
    NoAcls,

    /// <summary>An ACL matched; <see cref="StageResult.Acl"/> names it.</summary>
    Acl,

    /// <summary>The switch has ACLs but none matched: OVN's default is to allow (priority 0, or 1 on a stateful switch).</summary>
    DefaultAllow,

    /// <summary>None matched and NB_Global options:default_acl_drop is true.</summary>
    DefaultDrop,

    /// <summary>A reply of a committed connection on a stateful switch, passed at priority 65532.</summary>
    ConntrackReply,

    /// <summary>The packet was dropped at an earlier stage; this stage is on its path but never ran.</summary>
    NotReached,
}

/// <summary>The verdict of one ACL stage (ls_in_acl or ls_out_acl on one switch).</summary>
/// <param name="Switch">Index of the logical switch.</param>
/// <param name="Direction">from-lport (ls_in_acl) or to-lport (ls_out_acl).</param>
/// <param name="Port">The port the stage is keyed on: inport for ls_in_acl, outport for ls_out_acl.</param>
/// <param name="Entry">How the packet reached this switch.</param>
/// <param name="Decision">What decided.</param>
/// <param name="Acl">The deciding ACL's index, or -1.</param>
/// <param name="Passed">True when the packet goes on.</param>
/// <param name="Rejected">True when the ACL was reject (a RST or ICMP unreachable goes back).</param>
/// <param name="Stateful">True when the switch is stateful (conntrack runs; the default allow is then priority 1 and commits).</param>
public readonly record struct StageResult(int Switch, AclDirection Direction, int Port, StageEntry Entry, StageDecision Decision, int Acl, bool Passed, bool Rejected, bool Stateful)
{
    /// <summary>The OVN logical-flow priority of the deciding flow: ACL priority + 1000, 65532 for a reply, 65535 on a
    /// switch without ACLs, 1 for the default on a stateful switch (<c>ip &amp;&amp; !ct.est</c>) and 0 otherwise.</summary>
    public int FlowPriority(LogicalNetwork model) => Decision switch
    {
        StageDecision.Acl => model.Acls[Acl].Priority + 1000,
        StageDecision.ConntrackReply => 65532,
        StageDecision.NoAcls => 65535,
        _ => Stateful ? 1 : 0,
    };
}

/// <summary>Where the packet ended.</summary>
public enum AclOutcome : byte
{
    Delivered,

    /// <summary>An ACL dropped it (or default_acl_drop did).</summary>
    Dropped,

    /// <summary>A reject ACL dropped it and answered the sender.</summary>
    Rejected,

    /// <summary>ls_in_check_port_sec: the source address is not the port's.</summary>
    PortSecurityIngress,

    /// <summary>ls_out_check_port_sec: the destination address is not the port's.</summary>
    PortSecurityEgress,

    /// <summary>No path in this family (no address, no router port, a network the fabric does not route).</summary>
    NoPath,
}

/// <summary>Up to six ACL stages: the most a path crosses (source switch, external switch twice... see docs/sdn.md).</summary>
[InlineArray(AclEvaluation.MaxStages)]
public struct StageBuffer
{
    private StageResult element;
}

/// <summary>The result of evaluating one packet: the outcome, the path and every ACL stage it crossed. Allocation-free.</summary>
public struct AclEvaluation
{
    /// <summary>The most ACL stages one path crosses: source switch (2), external switch out (2) and in... at most 6.</summary>
    public const int MaxStages = 6;

    private StageBuffer stages;

    public AclOutcome Outcome { get; internal set; }

    public PathKind Path { get; internal set; }

    /// <summary>True when the router rewrote the source address (SNAT) on the way out.</summary>
    public bool SourceNatted { get; internal set; }

    /// <summary>Every ACL stage on the path, including those after a drop (<see cref="StageDecision.NotReached"/>).</summary>
    public int StageCount { get; internal set; }

    /// <summary>The stage that decided: the one that dropped, or the last one whose ACL allowed; -1 when no ACL decided.</summary>
    public int DecidingStage { get; internal set; }

    public readonly bool Delivered => Outcome == AclOutcome.Delivered;

    public readonly StageResult Stage(int i) => stages[i];

    internal void Add(in StageResult r) => stages[StageCount++] = r;

    /// <summary>The deciding stage's result, if there is one.</summary>
    public readonly StageResult? Deciding => DecidingStage >= 0 ? stages[DecidingStage] : null;
}
