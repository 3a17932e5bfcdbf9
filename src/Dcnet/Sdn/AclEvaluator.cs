using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Sdn;

/// <summary>
/// Evaluates packets against a <see cref="LogicalNetwork"/> the way OVN 23.03 does (northd.c build_acls, ovn-trace):
/// <list type="bullet">
/// <item>a switch holds its own ACLs and every ACL of every port group with a member on it; an ACL naming <c>@pg</c>
/// with no member on that switch is not installed there;</item>
/// <item>from-lport ACLs decide in the ingress pipeline (ls_in_acl) of the switch the packet enters, to-lport ACLs in
/// the egress pipeline (ls_out_acl) of the switch it leaves; each stage takes the highest-priority match, and the
/// packet must pass every stage on its path (after a router hop, inport is the router port);</item>
/// <item>no match means allow: OVN has no implicit deny (unless NB_Global default_acl_drop);</item>
/// <item>a switch with an allow-related ACL is stateful: conntrack runs there (skipped for router and localnet ports
/// and for packets an allow-stateless ACL matches), and a reply of a committed connection passes at priority 65532;</item>
/// <item>port security checks the source at ingress and the destination at egress, after the ACL.</item>
/// </list>
/// Compiled once from the model; <see cref="Evaluate"/> allocates nothing (below 1 µs per packet, BENCHMARKS.md).
/// </summary>
public sealed class AclEvaluator
{
    private readonly LogicalNetwork model;
    private readonly CompiledAcl[] acls;
    private readonly PortInfo[] ports;
    private readonly SwitchInfo[] switches;
    private readonly (UInt128 First, UInt128 Last)[][] addressSetRanges;
    private readonly Dictionary<UInt128, int> ownersV4 = [];
    private readonly Dictionary<UInt128, int> ownersV6 = [];
    private readonly UInt128[] vmPrefixFirst4, vmPrefixLast4, vmPrefixFirst6, vmPrefixLast6;
    private readonly UInt128 transitV4, transitV6;

    public AclEvaluator(LogicalNetwork model)
    {
        this.model = model;
        int pgCount = model.PortGroups.Count;
        addressSetRanges = model.AddressSets.Select(a => a.Addresses.Select(p => (p.First(), p.Last())).ToArray()).ToArray();
        acls = model.Acls.Select(a => CompiledAcl.From(a, pgCount)).ToArray();
        ports = new PortInfo[model.Ports.Count];
        foreach (var p in model.Ports)
        {
            ports[p.Index] = new PortInfo
            {
                Switch = p.Switch.Index,
                Type = p.Type,
                PortGroups = [.. p.PortGroups],
                HasV4 = p.V4 is not null,
                HasV6 = p.V6 is not null,
                V4 = p.V4 is { } a ? IpMath.ToUInt128(a) : 0,
                V6 = p.V6 is { } b ? IpMath.ToUInt128(b) : 0,
                PortSecurity = p.PortSecurity is not null,
            };
            if (p.Type == LogicalPortType.Vif)
            {
                if (p.V4 is not null)
                {
                    ownersV4.TryAdd(ports[p.Index].V4, p.Index);
                }

                if (p.V6 is not null)
                {
                    ownersV6.TryAdd(ports[p.Index].V6, p.Index);
                }
            }
        }

        var vm4 = model.Switches.Where(s => s.Segment?.Ipv4 is not null).Select(s => s.Segment!.Ipv4!.Value).ToArray();
        var vm6 = model.Switches.Where(s => s.Segment?.Ipv6 is not null).Select(s => s.Segment!.Ipv6!.Value).ToArray();
        vmPrefixFirst4 = vm4.Select(p => p.First()).ToArray();
        vmPrefixLast4 = vm4.Select(p => p.Last()).ToArray();
        vmPrefixFirst6 = vm6.Select(p => p.First()).ToArray();
        vmPrefixLast6 = vm6.Select(p => p.Last()).ToArray();
        var gw = model.Router?.GatewayPort;
        transitV4 = gw?.V4 is { } t4 ? IpMath.ToUInt128(t4) : 0;
        transitV6 = gw?.V6 is { } t6 ? IpMath.ToUInt128(t6) : 0;
        switches = BuildSwitches();
    }

    public LogicalNetwork Model => model;

    /// <summary>True when the switch is stateful: an allow-related ACL is installed on it, so conntrack runs.</summary>
    public bool IsStateful(int logicalSwitch) => switches[logicalSwitch].Stateful;

    /// <summary>The ACLs installed on a switch for one direction, highest priority first: what OVN compiles into that stage.</summary>
    public IReadOnlyList<Acl> Installed(int logicalSwitch, AclDirection direction) =>
        (direction == AclDirection.FromLport ? switches[logicalSwitch].Ingress : switches[logicalSwitch].Egress).Select(i => model.Acls[i]).ToList();

    private SwitchInfo[] BuildSwitches()
    {
        var result = new SwitchInfo[model.Switches.Count];
        var installed = model.Switches.Select(_ => new List<int>()).ToList();
        foreach (var pg in model.PortGroups)
        {
            foreach (var ls in pg.Switches)
            {
                foreach (var a in pg.Acls)
                {
                    // An ACL naming a port group with no member on this switch fails to parse there and is ignored (§1.2).
                    if (a.Match.PortGroup >= 0 && !model.PortGroups[a.Match.PortGroup].Switches.Contains(ls))
                    {
                        continue;
                    }

                    installed[ls.Index].Add(a.Index);
                }
            }
        }

        foreach (var ls in model.Switches)
        {
            var list = installed[ls.Index].Distinct().ToList();
            int[] Sorted(AclDirection d) => list.Where(i => model.Acls[i].Direction == d)
                .OrderByDescending(i => model.Acls[i].Priority).ThenBy(i => i).ToArray();
            var info = new SwitchInfo
            {
                HasAcls = list.Count > 0,
                Stateful = list.Any(i => model.Acls[i].Action == AclAction.AllowRelated),
                Ingress = Sorted(AclDirection.FromLport),
                Egress = Sorted(AclDirection.ToLport),
            };
            info.IngressStateless = info.Ingress.Any(i => model.Acls[i].Action == AclAction.AllowStateless);
            info.EgressStateless = info.Egress.Any(i => model.Acls[i].Action == AclAction.AllowStateless);
            result[ls.Index] = info;
        }

        // Per port, the candidates of each stage keyed on it: ACLs without a port test, and those whose port group holds it.
        // Ports of one switch with the same memberships (every VM of a group) share their lists, one per family, so a
        // packet never looks at the other family's ACLs.
        var shared = new Dictionary<string, int[][]>(StringComparer.Ordinal);
        foreach (var p in model.Ports)
        {
            var sw = result[p.Switch.Index];
            string key = string.Create(CultureInfo.InvariantCulture, $"{p.Switch.Index}/{(int)p.Type}/{string.Join(',', p.PortGroups)}");
            if (!shared.TryGetValue(key, out var lists))
            {
                int[] ingress = sw.Ingress.Where(i => Candidate(acls[i], AclPortField.Inport, p.Index)).ToArray();
                int[] egress = sw.Egress.Where(i => Candidate(acls[i], AclPortField.Outport, p.Index)).ToArray();
                // By direction, family and transport: a TCP packet never looks at a UDP or ICMP ACL.
                lists = new int[CandidateLists][];
                foreach (bool inStage in new[] { true, false })
                {
                    foreach (var family in new[] { IpFamily.Ipv4, IpFamily.Ipv6 })
                    {
                        foreach (var transport in Enum.GetValues<TransportClass>())
                        {
                            lists[CandidateList(inStage, family, transport)] = (inStage ? ingress : egress)
                                .Where(i => model.Acls[i].Match.Admits(family) && CanMatch(acls[i].Protocol, transport)).ToArray();
                        }
                    }
                }

                shared[key] = lists;
            }

            ports[p.Index].Candidates = lists;
        }

        var g = model.Router?.GatewayPort;
        foreach (var ls in model.Switches)
        {
            var info = result[ls.Index];
            for (int f = 0; f < 2; f++)
            {
                var family = (IpFamily)f;
                bool prefix = (family == IpFamily.Ipv4 ? ls.Segment?.Ipv4 : ls.Segment?.Ipv6) is not null;
                bool router = ls.RouterPort is not null && !ls.IsExternal && model.Router!.Ports.First(rp => rp.Switch == ls).Address(family) is not null;
                bool gateway = g?.Address(family) is not null;
                bool localnet = ls.LocalnetPort is not null && !ls.IsExternal;
                bool snat = family == IpFamily.Ipv4 && model.Router is { } lr && lr.Nat.Any(n => n.Network == ls.Segment);
                info.Router[f] = router;
                info.Snat[f] = snat && router && gateway;
                info.FabricIn[f] = localnet ? ls.Routed && prefix : router && gateway && ls.Routed;
                info.FabricOut[f] = localnet ? ls.Routed && prefix : router && gateway && (ls.Routed || info.Snat[f]);
            }
        }

        return result;
    }

    private static readonly int Transports = Enum.GetValues<TransportClass>().Length;

    private static readonly int CandidateLists = 2 * 2 * Transports;

    private static int CandidateList(bool ingress, IpFamily family, TransportClass transport) =>
        (((ingress ? 0 : 1) * 2) + (int)family) * Transports + (int)transport;

    /// <summary>The ACL's protocol admits the packet's transport (ports aside): the one place that maps one to the other.</summary>
    private static bool CanMatch(L4Match protocol, TransportClass transport) => protocol switch
    {
        L4Match.Any => true,
        L4Match.Tcp => transport == TransportClass.Tcp,
        L4Match.Udp => transport == TransportClass.Udp,
        L4Match.Icmp => transport == TransportClass.Icmp,
        _ => true,
    };

    /// <summary>The switch is patched to the logical router with an address in the family.</summary>
    internal bool RouterAttached(int sw, IpFamily f) => switches[sw].Router[(int)f];

    /// <summary>Traffic from the physical network reaches the switch in the family.</summary>
    internal bool FabricIn(int sw, IpFamily f) => switches[sw].FabricIn[(int)f];

    /// <summary>The switch reaches the physical network in the family (routed, or behind SNAT).</summary>
    internal bool FabricOut(int sw, IpFamily f) => switches[sw].FabricOut[(int)f];

    /// <summary>Traffic of the switch leaving through the gateway port is source-NATed.</summary>
    internal bool Snat(int sw, IpFamily f) => switches[sw].Snat[(int)f];

    internal bool HasAcls(int sw) => switches[sw].HasAcls;

    /// <summary>ACL indexes installed on a switch for one direction, highest priority first.</summary>
    internal int[] InstalledIndexes(int sw, AclDirection d) => d == AclDirection.FromLport ? switches[sw].Ingress : switches[sw].Egress;

    private bool Candidate(in CompiledAcl a, AclPortField stageField, int port)
    {
        if (a.PortField == AclPortField.None)
        {
            return true;
        }

        // A to-lport ACL may test inport (known in egress); a from-lport ACL testing outport never matches (outport is
        // not set yet in ls_in_acl).
        if (a.PortField != stageField)
        {
            return stageField == AclPortField.Outport;
        }

        return InPortGroup(port, a.PortGroup);
    }

    // ----- building packets -----

    /// <summary>The VM port of a vNIC.</summary>
    public LogicalSwitchPort PortOf(Vnic vnic) => model.VnicPorts[vnic.Index];

    /// <summary>A packet from one VM port to another, with their own addresses. False when either has no address in the family.</summary>
    public bool Between(LogicalSwitchPort source, LogicalSwitchPort destination, IpFamily family, TransportClass transport, int l4Destination, out AclPacket packet, int l4Source = 33333)
    {
        packet = default;
        if (source.Address(family) is not { } s || destination.Address(family) is not { } d)
        {
            return false;
        }

        packet = Packet(source.Index, IpMath.ToUInt128(s), destination.Index, IpMath.ToUInt128(d), family, transport, l4Source, l4Destination);
        return true;
    }

    /// <summary>A packet from an address outside the logical network to a VM port.</summary>
    public bool FromOutside(IPAddress source, LogicalSwitchPort destination, TransportClass transport, int l4Destination, out AclPacket packet, int l4Source = 33333)
    {
        var family = source.IsV4() ? IpFamily.Ipv4 : IpFamily.Ipv6;
        packet = default;
        if (destination.Address(family) is not { } d)
        {
            return false;
        }

        packet = Packet(-1, IpMath.ToUInt128(source), destination.Index, IpMath.ToUInt128(d), family, transport, l4Source, l4Destination);
        return true;
    }

    /// <summary>A packet from a VM port to an address outside.</summary>
    public bool ToOutside(LogicalSwitchPort source, IPAddress destination, TransportClass transport, int l4Destination, out AclPacket packet, int l4Source = 33333)
    {
        var family = destination.IsV4() ? IpFamily.Ipv4 : IpFamily.Ipv6;
        packet = default;
        if (source.Address(family) is not { } s)
        {
            return false;
        }

        packet = Packet(source.Index, IpMath.ToUInt128(s), -1, IpMath.ToUInt128(destination), family, transport, l4Source, l4Destination);
        return true;
    }

    /// <summary>
    /// A packet with explicit ports and addresses (a spoofed source is allowed: port security judges it). A destination
    /// port of -1 with an address some VM port owns is sent to that port.
    /// </summary>
    public AclPacket Packet(int sourcePort, UInt128 source, int destinationPort, UInt128 destination, IpFamily family, TransportClass transport, int l4Source, int l4Destination, byte otherProtocol = 132)
    {
        var owners = family == IpFamily.Ipv4 ? ownersV4 : ownersV6;
        int srcOwner = owners.TryGetValue(source, out int so) ? so : -1;
        int dstOwner = owners.TryGetValue(destination, out int d) ? d : -1;
        return new AclPacket
        {
            SourcePort = sourcePort,
            DestinationPort = destinationPort >= 0 ? destinationPort : dstOwner,
            Family = family,
            SourceAddress = source,
            DestinationAddress = destination,
            SourceOwner = srcOwner,
            DestinationOwner = dstOwner,
            Transport = transport,
            IpProtocol = transport switch
            {
                TransportClass.Tcp => 6,
                TransportClass.Udp => 17,
                TransportClass.Icmp => family == IpFamily.Ipv4 ? (byte)1 : (byte)58,
                _ => otherProtocol,
            },
            L4Source = (ushort)l4Source,
            L4Destination = (ushort)l4Destination,
        };
    }

    /// <summary>True when <paramref name="address"/> lies in a VM network of its family (so it is not 'external').</summary>
    public bool InVmNetworks(UInt128 address, IpFamily family)
    {
        var (first, last) = family == IpFamily.Ipv4 ? (vmPrefixFirst4, vmPrefixLast4) : (vmPrefixFirst6, vmPrefixLast6);
        for (int i = 0; i < first.Length; i++)
        {
            if (address >= first[i] && address <= last[i])
            {
                return true;
            }
        }

        return false;
    }

    // ----- evaluation -----

    /// <summary>Evaluates one packet with the given conntrack state, as ovn-trace with <c>--ct</c> of that state would.</summary>
    public AclEvaluation Evaluate(in AclPacket packet, ConnectionState state = ConnectionState.New)
    {
        var r = default(AclEvaluation);
        r.DecidingStage = -1;
        Walk(packet, state, unSnat: false, ref r);
        return r;
    }

    /// <summary>
    /// The reply to <paramref name="forward"/>: when the forward packet was delivered, its connection is committed on
    /// every stateful switch and the reply is evaluated as established (an SNAT on the way out is undone on the way
    /// back); otherwise there is no connection and the reply is a new packet of its own.
    /// </summary>
    public AclEvaluation EvaluateReply(in AclPacket forward, out AclEvaluation forwardResult)
    {
        forwardResult = Evaluate(forward);
        var reply = forward.Reversed();
        var r = default(AclEvaluation);
        r.DecidingStage = -1;
        Walk(reply, forwardResult.Delivered ? ConnectionState.EstablishedReply : ConnectionState.New, unSnat: forwardResult.Delivered && forwardResult.SourceNatted, ref r);
        return r;
    }

    /// <summary>Evaluates many packets; the batch form of <see cref="Evaluate"/>.</summary>
    public void EvaluateBatch(ReadOnlySpan<AclPacket> packets, Span<AclEvaluation> results, ConnectionState state = ConnectionState.New)
    {
        for (int i = 0; i < packets.Length; i++)
        {
            results[i] = Evaluate(packets[i], state);
        }
    }

    /// <summary>One planned ACL stage: the switch, the direction, the port it is keyed on, inport and outport.</summary>
    private readonly record struct Planned(int Switch, AclDirection Direction, int Port, int Inport, int Outport, StageEntry Entry, bool NatBefore);

    private void Walk(in AclPacket p, ConnectionState state, bool unSnat, ref AclEvaluation r)
    {
        // A destination inside a VM network that no port owns has no path (the switch has no MAC for it).
        if (p.SourcePort < 0 && p.DestinationPort < 0 || (p.DestinationPort < 0 && InVmNetworks(p.DestinationAddress, p.Family)))
        {
            r.Outcome = AclOutcome.NoPath;
            return;
        }

        Span<Planned> plan = stackalloc Planned[AclEvaluation.MaxStages];
        int n = Plan(p, unSnat, plan, out var path);
        if (n < 0)
        {
            r.Outcome = AclOutcome.NoPath;
            return;
        }

        r.Path = path;

        // ls_in_check_port_sec: the first stage of all.
        if (p.SourcePort >= 0 && !PortSecurityAdmits(p.SourcePort, p.Family, p.SourceOwner))
        {
            r.Outcome = AclOutcome.PortSecurityIngress;
            return;
        }

        var ctx = new WalkContext { Packet = p, State = state, Tracked = false, SourceOwner = p.SourceOwner, SourceAddress = p.SourceAddress };
        bool going = true;
        foreach (ref readonly var st in plan[..n])
        {
            if (!going)
            {
                r.Add(new StageResult(st.Switch, st.Direction, st.Port, st.Entry, StageDecision.NotReached, -1, false, false, switches[st.Switch].Stateful));
                continue;
            }

            if (st.NatBefore && !r.SourceNatted)
            {
                ctx.SourceOwner = -1;
                ctx.SourceAddress = p.Family == IpFamily.Ipv4 ? transitV4 : transitV6;
                r.SourceNatted = true;
            }

            if (st.Entry == StageEntry.Fabric)
            {
                // A new pipeline run, entering from the physical network: no conntrack state carried over.
                ctx.Tracked = false;
            }

            going = Stage(ref r, ref ctx, st.Switch, st.Direction, st.Port, st.Inport, st.Outport, st.Entry);
        }

        if (!going)
        {
            return;
        }

        // ls_out_check_port_sec comes after ls_out_acl.
        if (p.DestinationPort >= 0 && !PortSecurityAdmits(p.DestinationPort, p.Family, p.DestinationOwner))
        {
            r.Outcome = AclOutcome.PortSecurityEgress;
            return;
        }

        r.Outcome = AclOutcome.Delivered;
        for (int i = r.StageCount - 1; i >= 0; i--)
        {
            if (r.Stage(i).Decision == StageDecision.Acl)
            {
                r.DecidingStage = i;
                break;
            }
        }
    }

    /// <summary>The ACL stages of the packet's path, in order; -1 when there is no path in its family.</summary>
    private int Plan(in AclPacket p, bool unSnat, Span<Planned> plan, out PathKind path)
    {
        int f = (int)p.Family;
        int srcSw = p.SourcePort >= 0 ? ports[p.SourcePort].Switch : -1;
        int dstSw = p.DestinationPort >= 0 ? ports[p.DestinationPort].Switch : -1;
        int ext = model.External?.Index ?? -1;
        int n = 0;
        if (srcSw >= 0 && srcSw == dstSw)
        {
            path = PathKind.SameSwitch;
            plan[n++] = new(srcSw, AclDirection.FromLport, p.SourcePort, p.SourcePort, -1, StageEntry.First, false);
            plan[n++] = new(srcSw, AclDirection.ToLport, p.DestinationPort, p.SourcePort, p.DestinationPort, StageEntry.Same, false);
            return n;
        }

        if (srcSw >= 0 && dstSw >= 0 && switches[srcSw].Router[f] && switches[dstSw].Router[f])
        {
            path = PathKind.ViaRouter;
            int a = RouterPortOf(srcSw), b = RouterPortOf(dstSw);
            plan[n++] = new(srcSw, AclDirection.FromLport, p.SourcePort, p.SourcePort, -1, StageEntry.First, false);
            plan[n++] = new(srcSw, AclDirection.ToLport, a, p.SourcePort, a, StageEntry.Same, false);
            plan[n++] = new(dstSw, AclDirection.FromLport, b, b, -1, StageEntry.Router, false);
            plan[n++] = new(dstSw, AclDirection.ToLport, p.DestinationPort, b, p.DestinationPort, StageEntry.Same, false);
            return n;
        }

        path = PathKind.None;
        bool outOk = srcSw < 0 || switches[srcSw].FabricOut[f];
        bool inOk = dstSw < 0 || switches[dstSw].FabricIn[f] || (unSnat && switches[dstSw].Snat[f]);
        if (!outOk || !inOk || ext < 0 && ((srcSw >= 0 && switches[srcSw].Router[f]) || (dstSw >= 0 && switches[dstSw].Router[f])))
        {
            return -1;
        }

        path = srcSw >= 0 && dstSw >= 0 ? PathKind.ViaFabric : PathKind.ToOrFromOutside;
        var entry = StageEntry.First;
        if (srcSw >= 0)
        {
            plan[n++] = new(srcSw, AclDirection.FromLport, p.SourcePort, p.SourcePort, -1, StageEntry.First, false);
            if (switches[srcSw].Router[f])
            {
                int a = RouterPortOf(srcSw), gwIn = RouterPortOf(ext), ln = LocalnetOf(ext);
                bool nat = switches[srcSw].Snat[f];
                plan[n++] = new(srcSw, AclDirection.ToLport, a, p.SourcePort, a, StageEntry.Same, false);
                plan[n++] = new(ext, AclDirection.FromLport, gwIn, gwIn, -1, StageEntry.Router, nat);
                plan[n++] = new(ext, AclDirection.ToLport, ln, gwIn, ln, StageEntry.Same, false);
            }
            else
            {
                int ln = LocalnetOf(srcSw);
                plan[n++] = new(srcSw, AclDirection.ToLport, ln, p.SourcePort, ln, StageEntry.Same, false);
            }

            entry = StageEntry.Fabric;
        }

        if (dstSw >= 0)
        {
            if (switches[dstSw].Router[f])
            {
                int ln = LocalnetOf(ext), gwOut = RouterPortOf(ext), b = RouterPortOf(dstSw);
                plan[n++] = new(ext, AclDirection.FromLport, ln, ln, -1, entry, false);
                plan[n++] = new(ext, AclDirection.ToLport, gwOut, ln, gwOut, StageEntry.Same, false);
                plan[n++] = new(dstSw, AclDirection.FromLport, b, b, -1, StageEntry.Router, false);
                plan[n++] = new(dstSw, AclDirection.ToLport, p.DestinationPort, b, p.DestinationPort, StageEntry.Same, false);
            }
            else
            {
                int ln = LocalnetOf(dstSw);
                plan[n++] = new(dstSw, AclDirection.FromLport, ln, ln, -1, entry, false);
                plan[n++] = new(dstSw, AclDirection.ToLport, p.DestinationPort, ln, p.DestinationPort, StageEntry.Same, false);
            }
        }

        return n;
    }

    private int RouterPortOf(int sw) => model.Switches[sw].RouterPort!.Index;

    private int LocalnetOf(int sw) => model.Switches[sw].LocalnetPort!.Index;

    /// <summary>OVN's check_in/out_port_sec: the address must be one of the port's (no addresses in the entry: any).</summary>
    private bool PortSecurityAdmits(int port, IpFamily family, int owner)
    {
        ref readonly var info = ref ports[port];
        if (!info.PortSecurity)
        {
            return true;
        }

        if (!info.HasV4 && !info.HasV6)
        {
            return true;
        }

        bool has = family == IpFamily.Ipv4 ? info.HasV4 : info.HasV6;
        return has && owner == port;
    }

    private struct WalkContext
    {
        public AclPacket Packet;
        public ConnectionState State;
        public bool Tracked;
        public int SourceOwner;
        public UInt128 SourceAddress;
    }

    /// <summary>Evaluates one ACL stage and records it; false when the packet stops here.</summary>
    private bool Stage(ref AclEvaluation r, ref WalkContext ctx, int sw, AclDirection direction, int stagePort, int inport, int outport, StageEntry entry)
    {
        ref readonly var info = ref switches[sw];
        bool ingress = direction == AclDirection.FromLport;
        int[] candidates = ports[stagePort].Candidates[CandidateList(ingress, ctx.Packet.Family, ctx.Packet.Transport)];

        // On a switch without stateful ACLs, ls_out_pre_lb clears conntrack toward router and localnet ports (northd.c
        // skip_port_from_conntrack: "ct_clear; next;").
        if (!info.Stateful && !ingress && ports[stagePort].Type != LogicalPortType.Vif)
        {
            ctx.Tracked = false;
        }

        // Conntrack: ct_next runs on a stateful switch unless the stage's port is a router or localnet port, or an
        // allow-stateless ACL matches (ls_in/out_pre_acl). Without it the packet keeps the state it had.
        if (info.Stateful && ports[stagePort].Type == LogicalPortType.Vif
            && !((ingress ? info.IngressStateless : info.EgressStateless) && StatelessMatch(candidates, ref ctx, inport, outport)))
        {
            ctx.Tracked = true;
        }

        if (info.Stateful && ctx.Tracked && ctx.State == ConnectionState.EstablishedReply)
        {
            r.Add(new StageResult(sw, direction, stagePort, entry, StageDecision.ConntrackReply, -1, true, false, info.Stateful));
            return true;
        }

        foreach (int i in candidates)
        {
            if (!Matches(acls[i], ref ctx, inport, outport))
            {
                continue;
            }

            var a = model.Acls[i];
            bool pass = a.Allows;
            bool reject = a.Action == AclAction.Reject;
            r.Add(new StageResult(sw, direction, stagePort, entry, StageDecision.Acl, i, pass, reject, info.Stateful));
            if (!pass)
            {
                r.DecidingStage = r.StageCount - 1;
                r.Outcome = reject ? AclOutcome.Rejected : AclOutcome.Dropped;
            }

            return pass;
        }

        if (!info.HasAcls)
        {
            r.Add(new StageResult(sw, direction, stagePort, entry, StageDecision.NoAcls, -1, true, false, info.Stateful));
            return true;
        }

        if (model.DefaultAclDrop)
        {
            r.Add(new StageResult(sw, direction, stagePort, entry, StageDecision.DefaultDrop, -1, false, false, info.Stateful));
            r.DecidingStage = r.StageCount - 1;
            r.Outcome = AclOutcome.Dropped;
            return false;
        }

        r.Add(new StageResult(sw, direction, stagePort, entry, StageDecision.DefaultAllow, -1, true, false, info.Stateful));
        return true;
    }

    private bool StatelessMatch(int[] candidates, ref WalkContext ctx, int inport, int outport)
    {
        foreach (int i in candidates)
        {
            if (acls[i].Action == AclAction.AllowStateless && Matches(acls[i], ref ctx, inport, outport))
            {
                return true;
            }
        }

        return false;
    }

    private bool Matches(in CompiledAcl a, ref WalkContext ctx, int inport, int outport)
    {
        ref readonly var p = ref ctx.Packet;
        if ((a.Ip == IpMatch.Ip4 && p.Family != IpFamily.Ipv4) || (a.Ip == IpMatch.Ip6 && p.Family != IpFamily.Ipv6))
        {
            return false;
        }

        if (!CanMatch(a.Protocol, p.Transport) || (a.Protocol is L4Match.Tcp or L4Match.Udp && !a.Ports.Contains(p.L4Destination)))
        {
            return false;
        }

        if (a.PortField == AclPortField.Inport && (inport < 0 || !InPortGroup(inport, a.PortGroup)))
        {
            return false;
        }

        if (a.PortField == AclPortField.Outport && (outport < 0 || !InPortGroup(outport, a.PortGroup)))
        {
            return false;
        }

        if (a.SourceTest != AddressTest.Any && InSets(a.SourcePgs, a.SourcePgBits, a.SourceSets, ctx.SourceOwner, ctx.SourceAddress, p.Family) != (a.SourceTest == AddressTest.In))
        {
            return false;
        }

        return a.DestinationTest == AddressTest.Any
            || InSets(a.DestinationPgs, a.DestinationPgBits, a.DestinationSets, p.DestinationOwner, p.DestinationAddress, p.Family) == (a.DestinationTest == AddressTest.In);
    }

    private bool InSets(int[] pgs, ulong[]? bits, int[] sets, int owner, UInt128 address, IpFamily family)
    {
        if (owner >= 0 && pgs.Length > 0 && (family == IpFamily.Ipv4 ? ports[owner].HasV4 : ports[owner].HasV6))
        {
            foreach (int pg in ports[owner].PortGroups)
            {
                if (bits is not null ? (bits[pg >> 6] & (1UL << (pg & 63))) != 0 : Array.IndexOf(pgs, pg) >= 0)
                {
                    return true;
                }
            }
        }

        foreach (int s in sets)
        {
            // An address set of the other family never matches (OVN would reject the match; dcnet never renders one).
            if (model.AddressSets[s].Family != family)
            {
                continue;
            }

            foreach (var (first, last) in addressSetRanges[s])
            {
                if (address >= first && address <= last)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool InPortGroup(int port, int pg)
    {
        foreach (int x in ports[port].PortGroups)
        {
            if (x == pg)
            {
                return true;
            }
        }

        return false;
    }

    private struct PortInfo
    {
        public int Switch;
        public LogicalPortType Type;
        public int[] PortGroups;
        public bool HasV4;
        public bool HasV6;
        public UInt128 V4;
        public UInt128 V6;
        public bool PortSecurity;
        /// <summary>Ingress IPv4, ingress IPv6, egress IPv4, egress IPv6.</summary>
        public int[][] Candidates;
    }

    private sealed class SwitchInfo
    {
        public bool HasAcls;
        public bool Stateful;
        public int[] Ingress = [];
        public int[] Egress = [];
        public bool IngressStateless;
        public bool EgressStateless;
        public bool[] Router = new bool[2];
        public bool[] Snat = new bool[2];
        public bool[] FabricIn = new bool[2];
        public bool[] FabricOut = new bool[2];
    }

    private readonly struct CompiledAcl
    {
        public IpMatch Ip { get; init; }

        public L4Match Protocol { get; init; }

        public PortSet Ports { get; init; }

        public AclPortField PortField { get; init; }

        public int PortGroup { get; init; }

        public AclAction Action { get; init; }

        public AddressTest SourceTest { get; init; }

        public int[] SourcePgs { get; init; }

        public ulong[]? SourcePgBits { get; init; }

        public int[] SourceSets { get; init; }

        public AddressTest DestinationTest { get; init; }

        public int[] DestinationPgs { get; init; }

        public ulong[]? DestinationPgBits { get; init; }

        public int[] DestinationSets { get; init; }

        public static CompiledAcl From(Acl a, int pgCount)
        {
            var m = a.Match;
            var (spg, sbits, sset) = Refs(m.Source, pgCount);
            var (dpg, dbits, dset) = Refs(m.Destination, pgCount);
            return new CompiledAcl
            {
                Ip = m.Ip,
                Protocol = m.Protocol,
                Ports = m.DestinationPorts,
                PortField = m.PortField,
                PortGroup = m.PortGroup,
                Action = a.Action,
                SourceTest = m.Source.Test,
                SourcePgs = spg,
                SourcePgBits = sbits,
                SourceSets = sset,
                DestinationTest = m.Destination.Test,
                DestinationPgs = dpg,
                DestinationPgBits = dbits,
                DestinationSets = dset,
            };
        }

        private static (int[] Pgs, ulong[]? Bits, int[] Sets) Refs(AddressMatch m, int pgCount)
        {
            int[] pgs = m.Sets.Where(s => s.PortGroup >= 0).Select(s => s.PortGroup).Distinct().Order().ToArray();
            int[] sets = m.Sets.Where(s => s.AddressSet >= 0).Select(s => s.AddressSet).Distinct().Order().ToArray();
            ulong[]? bits = null;
            if (pgs.Length > 4)
            {
                bits = new ulong[(pgCount + 63) / 64];
                foreach (int pg in pgs)
                {
                    bits[pg >> 6] |= 1UL << (pg & 63);
                }
            }

            return (pgs, bits, sets);
        }
    }
}
