using System.Globalization;
using System.Net;
using Dcnet.Design;
using Dcnet.PathMtu;
using Dcnet.Text;
using Dcnet.Topology;
using Dcnet.Wire;

namespace Dcnet.Trace;

/// <summary>One trace in progress: builds hops in path order, checks every MTU limit, records what PMTUD would learn.</summary>
internal sealed class Walk
{
    private enum LimitKind
    {
        Source,
        Silent,
        Receive,
        Router,
    }

    private readonly record struct Limit(int InnerL3, LimitKind Kind, string Device, int ReportedMtu, bool IcmpFiltered);

    private readonly Tracer tracer;
    private readonly Network net;
    private readonly TraceRequest req;
    private readonly Endpoint src;
    private readonly Endpoint dst;
    private readonly bool v6;
    private readonly List<TraceHop> hops = [];
    private readonly List<Limit> limits = [];
    private readonly List<string> visited = [];
    private Frame inner;
    private TraceVerdict? verdict;
    private string verdictDetail = "";
    private int fragments = 1;
    private bool unreachable;
    private AclVerdict? acl;
    private bool aclEvaluated;

    public Walk(Tracer tracer, TraceRequest request, Endpoint source, Endpoint destination)
    {
        this.tracer = tracer;
        net = tracer.Network;
        req = request;
        src = source;
        dst = destination;
        v6 = request.Family == IpFamily.Ipv6;
        inner = FirstFrame();
    }

    private int Size => req.Size ?? src.Mtu.Bytes;

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The packet was over an MTU somewhere (fragmented or stopped by it). Every MTU check on the path records its limit
    /// whatever the packet's size, and the path itself (ECMP, bond hash, ACLs) does not depend on the size or DF, so a
    /// walk that was never size-limited has already seen every limit the smallest packet would see.
    /// </summary>
    public bool SizeLimited { get; private set; }

    public TraceResult Run()
    {
        Send();
        if (src.Kind == EndpointKind.Vm)
        {
            FromVm();
        }
        else if (src.Kind == EndpointKind.Host)
        {
            FromHost();
        }
        else
        {
            FromExternal();
        }

        int pathMtu = limits.Where(l => l.Kind == LimitKind.Router && !l.IcmpFiltered).Select(l => l.ReportedMtu).Append(src.Mtu.Bytes).Min();
        int maxDeliverable = limits.Count == 0 ? src.Mtu.Bytes : limits.Min(l => l.InnerL3);
        int echo = Overhead.EchoHeaders(req.Family);
        if (verdict is null)
        {
            verdict = fragments > 1 ? TraceVerdict.Fragmented : TraceVerdict.Delivered;
            int routed = hops.Count(h => h.Action is HopAction.Route or HopAction.Snat && h.Kind != "spine"); // spines route only the outer (underlay) header
            verdictDetail = (fragments > 1 ? $"delivered in {I(fragments)} fragments" : "delivered") + $" to {dst.Address} in {I(hops.Count)} hops, {I(routed)} routing decision{(routed == 1 ? "" : "s")}";
        }

        return new TraceResult
        {
            Request = req,
            FromDescription = src.Description,
            ToDescription = dst.Description,
            Source = src.Address,
            Destination = dst.Address,
            Verdict = verdict.Value,
            VerdictDetail = verdictDetail,
            Fragments = fragments,
            PathMtu = pathMtu,
            MaxDfPayload = unreachable ? -1 : Math.Max(0, maxDeliverable - echo),
            Hops = hops,
        };
    }

    // ---------------------------------------------------------------- frames

    private Frame FirstFrame()
    {
        var nextHopMac = ReferenceEquals(src.Segment, dst.Segment) && dst.Kind != EndpointKind.External ? dst.Mac
            : src.Kind == EndpointKind.Vm && src.Segment!.Kind == NetworkKind.Overlay ? MacPlan.Gateway(src.Segment)
            : src.Kind == EndpointKind.External ? MacPlan.External
            : MacPlan.Gateway(src.Segment!);
        Layer ip = v6
            ? new Ipv6Layer(src.Address, dst.Address, HopLimit: 64)
            : new Ipv4Layer(src.Address, dst.Address, Ttl: 64, DontFragment: req.DontFragment, Identification: 1);
        Layer l4 = req.Protocol switch
        {
            TraceProtocol.Udp => new UdpLayer(req.SourcePort, req.DestinationPort),
            TraceProtocol.Icmp => v6 ? new Icmpv6Layer(Icmpv6Layer.EchoRequest, 0, ((uint)req.SourcePort << 16) | 1) : new Icmpv4Layer(Icmpv4Layer.EchoRequest, 0, ((uint)req.SourcePort << 16) | 1),
            _ => new TcpLayer(req.SourcePort, req.DestinationPort, Sequence: 1, Acknowledgment: 1, Flags: TcpFlags.Ack | TcpFlags.Psh),
        };
        int headers = ip.HeaderLength + l4.HeaderLength;
        int payload = Math.Max(0, Size - headers); // Size 0: the smallest packet, headers only
        return new Frame([new EthernetLayer(nextHopMac, src.Mac), ip, l4], new byte[payload]);
    }

    private int InnerL3 => inner.IpLength;

    private static Frame Tagged(Frame f, ushort vid) =>
        new([f.Layers[0], new VlanLayer(vid), .. f.Layers.Skip(1)], f.Payload);

    private static Frame WithOuter(IReadOnlyList<Layer> outer, Frame innerFrame) => new([.. outer, .. innerFrame.Layers], innerFrame.Payload);

    private Frame Routed(Frame f, MacAddress newSrc, MacAddress newDst, IPAddress? snat = null)
    {
        var layers = f.Layers.ToList();
        layers[0] = new EthernetLayer(newDst, newSrc);
        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i] is Ipv4Layer ip4)
            {
                layers[i] = ip4 with { Ttl = (byte)(ip4.Ttl - 1), Source = snat ?? ip4.Source, HeaderChecksum = null, TotalLength = null };
                break;
            }

            if (layers[i] is Ipv6Layer ip6)
            {
                layers[i] = ip6 with { HopLimit = (byte)(ip6.HopLimit - 1), Source = snat ?? ip6.Source, PayloadLength = null };
                break;
            }
        }

        // Any transport checksum changes with the addresses; recompute.
        for (int i = 1; i < layers.Count; i++)
        {
            layers[i] = layers[i] switch
            {
                TcpLayer t => t with { Checksum = null },
                UdpLayer u => u with { Checksum = null },
                Icmpv6Layer c => c with { Checksum = null },
                _ => layers[i],
            };
        }

        return new Frame(layers, f.Payload);
    }

    // ---------------------------------------------------------------- hops and limits

    private void Hop(string device, string kind, string iface, Wire.Mtu? mtu, HopAction action, string note, Frame? wire, string latencyKind,
        Speed? link = null, double metres = 0, EcmpChoice? ecmp = null, BondChoice? bond = null, AclHop? acl = null)
    {
        visited.Add(device);
        if (verdict is not null)
        {
            return;
        }

        // A drop marks where the packet stops: the device's figure is already on the hop that brought it there.
        if (action == HopAction.Drop)
        {
            latencyKind = "none";
            link = null;
            metres = 0;
        }

        double serialization = 0;
        if (link is { } speed && wire is not null)
        {
            int onWire = Math.Max(wire.Length + 4, 64) + 20;
            serialization = speed.SerializationNanoseconds(onWire);
        }

        hops.Add(new TraceHop
        {
            Index = hops.Count,
            Device = device,
            Kind = kind,
            Interface = iface,
            Mtu = mtu,
            Action = action,
            Note = note,
            Frame = wire,
            Latency = new LatencyTerms(serialization, tracer.Latency.Of(latencyKind), metres * LatencyProfile.NanosecondsPerMetre, latencyKind),
            Ecmp = ecmp,
            Bond = bond,
            Acl = acl,
        });
    }

    /// <summary>
    /// Checks the packet against an MTU on the path. <paramref name="wire"/> is the frame as it crosses the limit
    /// (with any outer headers), so the limit on the inner packet is the MTU less the encapsulation in front of it.
    /// Returns false when the packet stops here.
    /// </summary>
    private bool Check(int mtu, LimitKind kind, string device, Frame wire, string where)
    {
        int delta = wire.IpLength - InnerL3;
        int slack = kind == LimitKind.Receive ? Tracer.LinuxReceiveSlack : 0;
        int limit = mtu + slack - delta;
        bool filtered = kind == LimitKind.Router && IcmpFiltered(device);
        limits.Add(new Limit(limit, kind, device, mtu - delta, filtered));
        if (verdict is not null || InnerL3 <= limit)
        {
            return verdict is null;
        }

        SizeLimited = true;
        int size = InnerL3;
        bool df = v6 || req.DontFragment;
        switch (kind)
        {
            case LimitKind.Source when !df:
            case LimitKind.Router when !df:
                {
                    var pieces = Fragmentation.FragmentIpv4(inner, limit);
                    fragments += pieces.Count - 1;
                    Hop(device, "fragment", where, new Wire.Mtu(mtu), HopAction.Fragment, $"{I(size)}-byte packet over MTU {I(mtu)}: fragmented into {I(pieces.Count)} (offsets {string.Join(", ", pieces.Select(p => I(p.Find<Ipv4Layer>()!.FragmentOffsetBytes)))})", pieces[0], "router");
                    inner = pieces[0];
                    return true;
                }

            case LimitKind.Source:
                Stop(TraceVerdict.TooBigAtSource, $"the {I(size)}-byte packet exceeds the sender's MTU {I(mtu)} with DF set: the sender's stack refuses it ('message too long, mtu={I(mtu)}')", device, where, mtu);
                return false;
            case LimitKind.Router:
                {
                    string icmp = v6 ? $"ICMPv6 Packet Too Big (MTU {I(mtu - delta)})" : $"ICMP type 3 code 4 fragmentation needed (next-hop MTU {I(mtu - delta)})";
                    if (filtered)
                    {
                        Stop(TraceVerdict.BlackHoled, $"{device} cannot forward the {I(size)}-byte packet over MTU {I(mtu)} and answers with {icmp}, but ICMP is filtered on the way back, so PMTUD never learns: connections establish, then hang on large transfers", device, where, mtu);
                    }
                    else
                    {
                        Stop(TraceVerdict.Dropped, $"{device} cannot forward the {I(size)}-byte packet over MTU {I(mtu)} with DF set and answers with {icmp}", device, where, mtu);
                    }

                    return false;
                }

            default:
                Stop(TraceVerdict.Dropped, $"the {I(wire.IpLength)}-byte packet ({I(size)} inner) exceeds MTU {I(mtu)} at {device} {where}: dropped silently, no ICMP (an L2 hop, or a tunnel, cannot report it)", device, where, mtu);
                return false;
        }
    }

    private void Stop(TraceVerdict v, string detail, string device, string where, int mtu)
    {
        Hop(device, "drop", where, new Wire.Mtu(mtu), HopAction.Drop, detail, null, "switch");
        verdict = v;
        verdictDetail = detail;
    }

    private void Unreachable(string why, string device)
    {
        Hop(device, "drop", "-", null, HopAction.Drop, why, null, "switch");
        verdict ??= TraceVerdict.Unreachable;
        if (verdictDetail.Length == 0)
        {
            verdictDetail = why;
        }

        unreachable = true;
    }

    private bool IcmpFiltered(string device)
    {
        var filters = net.Design.Fabric.IcmpFilters;
        if (filters.Count == 0)
        {
            return false;
        }

        var kind = v6 ? IcmpKind.PacketTooBig : IcmpKind.FragNeeded;
        var returnPath = visited.Append(device).ToList();
        foreach (var f in filters.Where(f => f.Drops.Contains(kind)))
        {
            foreach (string d in returnPath)
            {
                bool border = f.At == "border" && net.FindDevice(d) is Switch { IsBorder: true };
                if (border || Glob.Matches(f.At, d))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // ---------------------------------------------------------------- path pieces

    private string SwitchName(Host host, Segment s) => net.Design.Platform switch
    {
        Platform.Ove => "br-int",
        Platform.AzureLocal => "Hyper-V vSwitch",
        Platform.Esc or Platform.Vmware => "N-VDS",
        _ => s.Vlan is { } v ? "br-vlan" + v.ToString() : "br-vni" + I(s.Vni ?? 0),
    };

    private void Send()
    {
        if (src.Kind == EndpointKind.Vm)
        {
            Hop(src.Vnic!.Vm.Name, "vm", "eth" + I(src.Vnic.Slot), src.Mtu, HopAction.Send, $"{Describe(inner)} leaves the VM", inner, "vm");
            Check(src.Mtu.Bytes, LimitKind.Source, src.Vnic.Vm.Name, inner, "eth" + I(src.Vnic.Slot));
        }
        else if (src.Kind == EndpointKind.Host)
        {
            Hop(src.Host!.Name, "host", src.Interface!.Name, src.Mtu, HopAction.Send, $"{Describe(inner)} leaves the host stack", inner, "nic");
            Check(src.Mtu.Bytes, LimitKind.Source, src.Host.Name, inner, src.Interface.Name);
        }
        else
        {
            Hop("external", "external", "-", src.Mtu, HopAction.Send, $"{Describe(inner)} arrives from outside", inner, "border");
        }
    }

    private void FromVm()
    {
        var host = src.Host;
        if (host is null)
        {
            Unreachable($"{src.Vnic!.Vm.Name} is not placed on any host", src.Name);
            return;
        }

        string sw = SwitchName(host, src.Segment!);
        var policy = Policy();
        Hop(host.Name, "vswitch", sw, src.Mtu, HopAction.Switch, $"{src.Segment!.Name} ({Kind(src.Segment)}): {(dst.Kind == EndpointKind.Vm && ReferenceEquals(dst.Segment, src.Segment) ? "switched toward " + dst.Mac : "to the gateway " + Describe(inner.Layers[0]))}", inner, "vswitch", acl: policy?.Ingress);
        if (policy is { Allowed: false, DroppedAtIngress: true })
        {
            Deny(policy, host.Name, sw);
            return;
        }

        if (dst.Kind == EndpointKind.Vm && ReferenceEquals(dst.Segment, src.Segment))
        {
            SameSegment(host, dst.Segment!);
        }
        else if (src.Segment!.Kind == NetworkKind.Overlay)
        {
            if (dst.Kind == EndpointKind.Vm && dst.Segment!.Kind == NetworkKind.Overlay)
            {
                OvnRoute(host, dst.Segment, snat: null);
                SameSegment(host, dst.Segment);
            }
            else
            {
                var mgmt = host.Interfaces.FirstOrDefault(i => i.Segment.Role == NetworkRole.Management && (v6 ? i.V6 : i.V4) is not null);
                if (mgmt is null)
                {
                    Unreachable($"{host.Name} has no {(v6 ? "IPv6" : "IPv4")} management address to SNAT overlay traffic to", host.Name);
                    return;
                }

                OvnRoute(host, mgmt.Segment, snat: mgmt);
                FromHostInterface(host, mgmt);
            }
        }
        else
        {
            if (dst.Kind == EndpointKind.Vm && dst.Segment!.Kind == NetworkKind.Overlay)
            {
                Unreachable($"{dst.Segment.Name} is an overlay network: nothing outside it reaches its VMs except through a load balancer or ingress", host.Name);
                return;
            }

            var bond = host.BondFor(TrafficClass.Vm);
            if (bond is null)
            {
                Unreachable($"{host.Name} has no bond that carries VM traffic for {src.Segment.Name}", host.Name);
                return;
            }

            ToLeafAndRoute(host, bond, src.Segment);
        }
    }

    private void FromHost()
    {
        var host = src.Host!;
        if (dst.Kind == EndpointKind.Vm && dst.Segment!.Kind == NetworkKind.Overlay)
        {
            Unreachable($"{dst.Segment.Name} is an overlay network: nothing outside it reaches its VMs except through a load balancer or ingress", host.Name);
            return;
        }

        FromHostInterface(host, src.Interface!);
    }

    /// <summary>A packet leaving a host's own interface (or SNATed to it) toward something outside the host.</summary>
    private void FromHostInterface(Host host, HostInterface iface)
    {
        var bond = iface.Bond;
        if (bond is null)
        {
            Unreachable($"{host.Name}/{iface.Name} is on no bond", host.Name);
            return;
        }

        if (dst.Kind != EndpointKind.External && ReferenceEquals(dst.Segment, iface.Segment))
        {
            if (dst.Host is { } h && ReferenceEquals(h, host))
            {
                Deliver(host);
                return;
            }

            HostToHostVlan(host, bond, dst.Host!, iface.Segment, inner);
            if (verdict is null)
            {
                ArriveAtHost(dst.Host!, iface.Segment, inner);
            }

            return;
        }

        ToLeafAndRoute(host, bond, iface.Segment);
    }

    private void FromExternal()
    {
        var border = net.Leaves.FirstOrDefault(l => l.IsBorder);
        if (border is null)
        {
            Unreachable("the fabric has no border leaf", "external");
            return;
        }

        if (dst.Kind == EndpointKind.Vm && dst.Segment!.Kind == NetworkKind.Overlay)
        {
            Unreachable($"{dst.Segment.Name} is an overlay network: nothing outside reaches its VMs except through a load balancer or ingress", border.Name);
            return;
        }

        Hop(border.Name, "border", "external", net.Design.Fabric.ExternalMtu, HopAction.Switch, "enters the fabric at a border leaf", inner, "border", net.Design.Fabric.UplinkSpeed, LatencyProfile.FabricLinkMetres);
        LeafRouteToDestination(border);
    }

    /// <summary>The policy verdict for this packet, evaluated once on its first vSwitch (OVN evaluates the whole logical path there and on the destination chassis).</summary>
    private AclVerdict? Policy()
    {
        if (!aclEvaluated)
        {
            aclEvaluated = true;
            acl = tracer.Acls?.Evaluate(src, dst, inner, req.Family);
        }

        return acl;
    }

    private void Deny(AclVerdict policy, string device, string iface)
    {
        var decision = policy.DroppedAtIngress ? policy.Ingress : policy.Egress;
        Hop(device, "drop", iface, null, HopAction.Drop, policy.Why, null, "vswitch", acl: decision);
        verdict = TraceVerdict.Dropped;
        verdictDetail = policy.Why;
    }

    private void SameSegment(Host host, Segment segment)
    {
        var dstHost = dst.Host;
        if (dstHost is null)
        {
            Unreachable($"{dst.Name} is not placed on any host", host.Name);
            return;
        }

        if (ReferenceEquals(dstHost, host))
        {
            Deliver(host);
            return;
        }

        if (segment.Kind == NetworkKind.Overlay)
        {
            Tunnel(host, dstHost, segment);
            return;
        }

        var bond = host.BondFor(TrafficClass.Vm);
        if (bond is null)
        {
            Unreachable($"{host.Name} has no bond that carries VM traffic", host.Name);
            return;
        }

        HostToHostVlan(host, bond, dstHost, segment, inner);
        if (verdict is null)
        {
            ArriveAtHost(dstHost, segment, inner);
        }
    }

    private void OvnRoute(Host host, Segment to, HostInterface? snat)
    {
        var before = inner;
        var nextMac = snat is null ? dst.Mac : MacPlan.Gateway(snat.Segment);
        var srcMac = snat is null ? MacPlan.Gateway(to) : (snat.Bond is { } b ? MacPlan.Of(b) : MacPlan.Of(snat));
        inner = Routed(inner, srcMac, nextMac, snat is null ? null : (v6 ? snat.V6 : snat.V4));
        string router = "ovn_cluster_router";
        if (snat is null)
        {
            Hop(host.Name, "vswitch", router, to.Mtu, HopAction.Route, $"distributed logical router on {host.Name}: {src.Segment!.Name} -> {to.Name}, TTL {Ttl(before)} -> {Ttl(inner)}, MACs rewritten", inner, "router");
        }
        else
        {
            Hop(host.Name, "vswitch", router, to.Mtu, HopAction.Snat, $"logical router routes out of the overlay and SNATs {src.Address} to the node address {(v6 ? snat.V6 : snat.V4)} ({snat.Name})", inner, "router");
        }
    }

    private static string Ttl(Frame f) => f.Layers.OfType<Ipv4Layer>().Select(i => I(i.Ttl)).Concat(f.Layers.OfType<Ipv6Layer>().Select(i => I(i.HopLimit))).FirstOrDefault() ?? "-";

    /// <summary>Overlay: encapsulate at the source tunnel endpoint, cross the underlay, decapsulate at the destination.</summary>
    private void Tunnel(Host from, Host to, Segment segment)
    {
        var tepA = from.TunnelEndpoint;
        var tepB = to.TunnelEndpoint;
        var overlay = net.Design.Overlay;
        bool outer6 = overlay.UnderlayFamily == IpFamily.Ipv6;
        IPAddress? a = outer6 ? tepA?.V6 : tepA?.V4, b = outer6 ? tepB?.V6 : tepB?.V4;
        if (tepA is null || tepB is null || a is null || b is null || tepA.Bond is null)
        {
            Unreachable($"no {(outer6 ? "IPv6" : "IPv4")} tunnel endpoint on {(tepA is null || a is null ? from.Name : to.Name)}", from.Name);
            return;
        }

        bool geneve = overlay.Type == OverlayType.Geneve;
        ushort port = geneve ? GeneveLayer.Port : VxlanLayer.Port;
        Layer tunnel = geneve
            ? new GeneveLayer(segment.Vni ?? 0, overlay.GeneveOptionBytes >= 8 ? [GeneveOption.Ovn(PortKey(src), PortKey(dst)), .. Padding(overlay.GeneveOptionBytes - 8)] : Padding(overlay.GeneveOptionBytes))
            : new VxlanLayer(segment.Vni ?? 0);
        Layer ip = outer6 ? new Ipv6Layer(a, b) : new Ipv4Layer(a, b, DontFragment: true);
        var outer = new Layer[] { new EthernetLayer(MacPlan.Of(tepB.Bond!), MacPlan.Of(tepA.Bond)), ip, new UdpLayer(Tracer.TunnelSourcePort(inner, geneve), port), tunnel };
        var wire = WithOuter(outer, inner);
        string name = geneve ? "genev_sys_6081" : "vxlan_sys_4789";
        int overhead = Overhead.Encapsulation(overlay);
        Hop(from.Name, "host", name, tepA.Mtu, HopAction.Encap,
            $"{(geneve ? "GENEVE" : "VXLAN")} VNI {I(segment.Vni ?? 0)} from {a} to {b}, outer UDP {I(Tracer.TunnelSourcePort(inner, geneve))} -> {I(port)} (source port from the inner flow hash){(geneve ? ", OVN option class 0x0102 type 0x80" : "")}; +{I(overhead)} bytes",
            wire, "encap");
        // On plain Linux the VM bridge hands the frame to a VXLAN/GENEVE device whose MTU the kernel caps at the
        // underlay MTU less the overhead: the bridge drops bigger frames silently (is_skb_forwardable, 4 bytes of
        // slack), and the device answers the few it accepts but cannot carry with an ICMP too-big to the sender
        // (skb_tunnel_check_pmtu, bridged PMTU discovery since Linux 5.9). OVS tunnels, as OVN uses them, just drop.
        if (net.Design.Platform == Platform.Linux)
        {
            int device = Math.Min(segment.Mtu.Bytes, tepA.Mtu.Bytes - overhead);
            if (!Check(device, LimitKind.Receive, from.Name, inner, name + " (bridge port, MTU " + I(device) + ")")
                || !Check(tepA.Mtu.Bytes, LimitKind.Router, from.Name, wire, tepA.Name + " (after encapsulation)"))
            {
                return;
            }
        }
        else if (!Check(tepA.Mtu.Bytes, LimitKind.Silent, from.Name, wire, tepA.Name + " (after encapsulation)"))
        {
            return;
        }

        HostToHostVlan(from, tepA.Bond, to, tepA.Segment, wire);
        if (verdict is not null)
        {
            return;
        }

        var arrived = ArriveAtHost(to, tepA.Segment, wire, deliverToStack: false);
        if (!arrived)
        {
            return;
        }

        Hop(to.Name, "host", name, tepB.Mtu, HopAction.Decap, $"{(geneve ? "GENEVE" : "VXLAN")} VNI {I(segment.Vni ?? 0)} decapsulated into {segment.Name}", inner, "encap");
        Deliver(to);
    }

    private static GeneveOption[] Padding(int bytes) =>
        bytes <= 0 ? [] : [new GeneveOption(0xFFFF, 0x01, new byte[Math.Max(0, ((bytes - 4) / 4) * 4)])];

    private static ushort PortKey(Endpoint e) => (ushort)((e.Vnic?.Index ?? 0) + 1);

    /// <summary>Leaves a host on a bond toward the leaf, then routes from that leaf to the destination.</summary>
    private void ToLeafAndRoute(Host host, Bond bond, Segment segment)
    {
        var leaf = BondEgress(host, bond, segment, inner);
        if (leaf is null)
        {
            return;
        }

        Hop(leaf.Name, "leaf", SwitchPort(leaf, host), leaf.PortMtu, HopAction.Route, $"anycast gateway of {segment.Name}{VlanText(segment)}: routes {Describe(inner)}", inner, "switch");
        LeafRouteToDestination(leaf);
    }

    private static string VlanText(Segment s) => s.Vlan is { } v ? " (VLAN " + v.ToString() + ")" : "";

    private void LeafRouteToDestination(Switch leaf)
    {
        if (dst.Kind == EndpointKind.External)
        {
            var border = leaf.IsBorder ? leaf : net.Leaves.FirstOrDefault(l => l.IsBorder);
            if (border is null)
            {
                Unreachable("the fabric has no border leaf to reach the outside", leaf.Name);
                return;
            }

            if (!ReferenceEquals(border, leaf))
            {
                inner = Routed(inner, MacPlan.Switch(leaf), MacPlan.Switch(border));
                EvpnRouted(leaf, border);
                if (verdict is not null)
                {
                    return;
                }
            }

            inner = Routed(inner, MacPlan.Switch(border), MacPlan.External);
            var mtu = net.Design.Fabric.ExternalMtu;
            Hop(border.Name, "border", "external", mtu, HopAction.Route, $"routes out of the fabric toward {dst.Address}", inner, "border", net.Design.Fabric.UplinkSpeed, LatencyProfile.FabricLinkMetres);
            if (!Check(mtu.Bytes, LimitKind.Router, border.Name, inner, "external link"))
            {
                return;
            }

            Hop("external", "external", "-", mtu, HopAction.Deliver, $"reaches {dst.Address} outside the data center", inner, "border");
            return;
        }

        var segment = dst.Segment!;
        var dstHost = dst.Host;
        if (dstHost is null || dstHost.Leaves.Count == 0)
        {
            Unreachable($"{dst.Name} has no host attached to the fabric", leaf.Name);
            return;
        }

        var targetLeaf = dstHost.Leaves.Contains(leaf) ? leaf : dstHost.Leaves[0];
        if (!ReferenceEquals(targetLeaf, leaf))
        {
            // Symmetric IRB: route into the tenant VRF's L3VNI here, route again into the destination VLAN there.
            inner = Routed(inner, MacPlan.Switch(leaf), MacPlan.Switch(targetLeaf));
            EvpnRouted(leaf, targetLeaf);
            if (verdict is not null)
            {
                return;
            }
        }

        var before = inner;
        inner = Routed(inner, MacPlan.Gateway(segment), dst.Mac);
        Hop(targetLeaf.Name, "leaf", "vlan" + (segment.Vlan?.ToString() ?? "-"), segment.Mtu, HopAction.Route, $"routes into {segment.Name}{VlanText(segment)} (SVI MTU {segment.Mtu}), TTL {Ttl(before)} -> {Ttl(inner)}", inner, "switch");
        if (!Check(segment.Mtu.Bytes, LimitKind.Router, targetLeaf.Name, inner, "vlan" + (segment.Vlan?.ToString() ?? "-")))
        {
            return;
        }

        LeafToHost(targetLeaf, dstHost, segment, inner);
        if (verdict is null)
        {
            ArriveAtHost(dstHost, segment, inner);
        }
    }

    /// <summary>L2 across the fabric in one VLAN: host bond, its leaf, EVPN to the far leaf when needed, the far host's port.</summary>
    private void HostToHostVlan(Host from, Bond bond, Host to, Segment segment, Frame wire)
    {
        var leaf = BondEgress(from, bond, segment, wire);
        if (leaf is null)
        {
            return;
        }

        Hop(leaf.Name, "leaf", SwitchPort(leaf, from), leaf.PortMtu, HopAction.Switch, $"bridges VLAN {segment.Vlan} (EVPN L2VNI {I(Tracer.EvpnL2VniBase + (segment.Vlan?.Value ?? 0))})", Tagged(wire, segment.Vlan?.Value ?? 0), "switch");
        if (to.Leaves.Count == 0)
        {
            Unreachable($"{to.Name} is not attached to any leaf", leaf.Name);
            return;
        }

        var target = to.Leaves.Contains(leaf) ? leaf : to.Leaves[0];
        if (!ReferenceEquals(target, leaf))
        {
            EvpnBridged(leaf, target, segment, wire);
            if (verdict is not null)
            {
                return;
            }
        }

        LeafToHost(target, to, segment, wire);
    }

    /// <summary>Tags (unless native) and sends on the bond member the bond hash picks; returns the leaf it reaches.</summary>
    private Switch? BondEgress(Host host, Bond bond, Segment segment, Frame wire)
    {
        if (segment.Vlan is { } vlan && vlan != bond.NativeVlan && !bond.TaggedVlans.Contains(vlan))
        {
            Unreachable($"VLAN {vlan} ({segment.Name}) is not allowed on {host.Name}/{bond.Name}: the trunk drops it", host.Name);
            return null;
        }

        bool tag = segment.Vlan is { } v2 && v2 != bond.NativeVlan;
        var tagged = tag ? Tagged(wire, segment.Vlan!.Value.Value) : wire;
        if (!Check(bond.Mtu.Bytes, LimitKind.Silent, host.Name, wire, bond.Name))
        {
            return null;
        }

        var choice = tracer.Bonds.Choose(bond, tagged);
        var member = bond.Members.First(m => m.Name == choice.Member);
        Hop(host.Name, "host", bond.Name + (tag ? "." + segment.Vlan!.Value.ToString() : ""), bond.Mtu, tag ? HopAction.Tag : HopAction.Switch,
            tag ? $"802.1Q tag VID {segment.Vlan} PCP 0 on {bond.Name} ({Tokens.Of(bond.Mode)}, {Tokens.Of(bond.HashPolicy)})" : $"untagged on {bond.Name} ({Tokens.Of(bond.Mode)})",
            tagged, "vswitch", bond: choice);
        if (member.Leaf is null)
        {
            Unreachable($"{member.FullName} is not cabled to a leaf", host.Name);
            return null;
        }

        Hop(host.Name, "host", member.Name, member.Mtu, HopAction.Send, $"member {member.Name} ({member.Speed}) to {member.Leaf.Name} {member.LeafPort}: {choice.Why}", tagged, "nic", member.Speed, LatencyProfile.HostLinkMetres);
        if (!Check(member.Mtu.Bytes, LimitKind.Silent, host.Name, wire, member.Name))
        {
            return null;
        }

        if (!Check(member.Leaf.PortMtu.Bytes, LimitKind.Silent, member.Leaf.Name, wire, member.LeafPort ?? "port"))
        {
            return null;
        }

        return member.Leaf;
    }

    private static string SwitchPort(Switch leaf, Host host) => host.Nics.FirstOrDefault(n => ReferenceEquals(n.Leaf, leaf))?.LeafPort ?? "port";

    private void LeafToHost(Switch leaf, Host host, Segment segment, Frame wire)
    {
        var nic = host.Nics.FirstOrDefault(n => ReferenceEquals(n.Leaf, leaf) && n.Bond is { } b && (b.TaggedVlans.Contains(segment.Vlan ?? default) || b.NativeVlan == segment.Vlan || b.Segments.Contains(segment)));
        nic ??= host.Nics.FirstOrDefault(n => ReferenceEquals(n.Leaf, leaf));
        if (nic is null)
        {
            Unreachable($"{host.Name} has no port on {leaf.Name}", leaf.Name);
            return;
        }

        if (!Check(leaf.PortMtu.Bytes, LimitKind.Silent, leaf.Name, wire, nic.LeafPort ?? "port"))
        {
            return;
        }

        bool tagged = segment.Vlan is { } v && nic.Bond?.NativeVlan != v;
        Hop(leaf.Name, "leaf", nic.LeafPort ?? "port", leaf.PortMtu, HopAction.Switch, $"out {nic.LeafPort} to {host.Name} {nic.Name}{(tagged ? " tagged VLAN " + segment.Vlan : " untagged")}", tagged ? Tagged(wire, segment.Vlan!.Value.Value) : wire, "switch", nic.Speed, LatencyProfile.HostLinkMetres);
    }

    /// <summary>The host end of an L2 arrival: the bond untags, the stack or the vSwitch takes it.</summary>
    private bool ArriveAtHost(Host host, Segment segment, Frame wire, bool deliverToStack = true)
    {
        var bond = host.Bonds.FirstOrDefault(b => b.Segments.Contains(segment));
        if (bond is null)
        {
            Unreachable($"{host.Name} has no bond carrying {segment.Name}", host.Name);
            return false;
        }

        if (segment.Vlan is { } vlan && vlan != bond.NativeVlan && !bond.TaggedVlans.Contains(vlan))
        {
            Unreachable($"VLAN {vlan} ({segment.Name}) is not allowed on {host.Name}/{bond.Name}: the trunk drops it", host.Name);
            return false;
        }

        if (!Check(bond.Mtu.Bytes + (segment.Vlan is not null ? 0 : 0), LimitKind.Receive, host.Name, wire, bond.Name))
        {
            return false;
        }

        bool tagged = segment.Vlan is { } v && v != bond.NativeVlan;
        Hop(host.Name, "host", bond.Name + (tagged ? "." + segment.Vlan!.Value.ToString() : ""), bond.Mtu, tagged ? HopAction.Untag : HopAction.Switch, tagged ? $"{bond.Name} receives and strips VLAN {segment.Vlan}" : $"{bond.Name} receives", wire, "nic");
        if (deliverToStack && dst.Kind == EndpointKind.Vm)
        {
            Deliver(host);
        }
        else if (deliverToStack)
        {
            var iface = dst.Interface!;
            if (!Check(iface.Mtu.Bytes, LimitKind.Receive, host.Name, inner, iface.Name))
            {
                return false;
            }

            Hop(host.Name, "host", iface.Name, iface.Mtu, HopAction.Deliver, $"delivered to {host.Name} {dst.Address}", inner, "nic");
        }

        return verdict is null;
    }

    /// <summary>Into the destination VM through the host's vSwitch.</summary>
    private void Deliver(Host host)
    {
        if (dst.Kind != EndpointKind.Vm)
        {
            Hop(host.Name, "host", dst.Interface?.Name ?? "-", dst.Mtu, HopAction.Deliver, $"delivered to {host.Name} {dst.Address}", inner, "nic");
            return;
        }

        string sw = SwitchName(host, dst.Segment!);
        var policy = Policy();
        Hop(host.Name, "vswitch", sw, dst.Mtu, HopAction.Switch, $"{dst.Segment!.Name}: to {dst.Vnic!.Name}", inner, "vswitch", acl: policy?.Egress);
        if (policy is { Allowed: false })
        {
            Deny(policy, host.Name, sw);
            return;
        }

        if (!Check(dst.Mtu.Bytes, LimitKind.Receive, dst.Vnic.Vm.Name, inner, "eth" + I(dst.Vnic.Slot)))
        {
            return;
        }

        Hop(dst.Vnic.Vm.Name, "vm", "eth" + I(dst.Vnic.Slot), dst.Mtu, HopAction.Deliver, $"delivered to {dst.Vnic.Vm.Name} {dst.Address}", inner, "vm");
    }

    /// <summary>EVPN bridging of a VLAN frame between two leaves: VXLAN with the VLAN's L2VNI.</summary>
    private void EvpnBridged(Switch from, Switch to, Segment segment, Frame wire) =>
        EvpnTunnel(from, to, Tracer.EvpnL2VniBase + (segment.Vlan?.Value ?? 0), wire, $"L2VNI {I(Tracer.EvpnL2VniBase + (segment.Vlan?.Value ?? 0))} (VLAN {segment.Vlan})");

    /// <summary>Symmetric IRB between two leaves: the routed packet crosses in VXLAN with the tenant VRF's L3VNI.</summary>
    private void EvpnRouted(Switch from, Switch to) =>
        EvpnTunnel(from, to, Tracer.EvpnL3Vni, inner, $"L3VNI {I(Tracer.EvpnL3Vni)} (symmetric IRB)");

    private void EvpnTunnel(Switch from, Switch to, uint vni, Frame payload, string what)
    {
        if (from.LoopbackV4 is null || to.LoopbackV4 is null || from.FabricLinks.Count == 0)
        {
            Unreachable($"no VTEP path from {from.Name} to {to.Name}", from.Name);
            return;
        }

        var innerEth = payload;
        var outerTemplate = new Layer[]
        {
            new EthernetLayer(MacAddress.Broadcast, MacPlan.Switch(from)),
            new Ipv4Layer(from.LoopbackV4, to.LoopbackV4, Ttl: 64, DontFragment: false),
            new UdpLayer(Tracer.TunnelSourcePort(innerEth), VxlanLayer.Port),
            new VxlanLayer(vni),
        };
        var probe = WithOuter(outerTemplate, innerEth);
        uint hash = Tracer.EcmpHash(probe);
        int choice = (int)(hash % (uint)from.FabricLinks.Count);
        var link = from.FabricLinks[choice];
        var spine = link.Spine;
        var outer = outerTemplate.ToArray();
        outer[0] = new EthernetLayer(MacPlan.Switch(spine), MacPlan.Switch(from));
        var wire = WithOuter(outer, innerEth);
        var ecmp = new EcmpChoice(from.FabricLinks.Select(l => l.Spine.Name).ToList(), choice, hash,
            $"{I(from.FabricLinks.Count)} equal-cost uplinks; FNV-1a(outer {from.LoopbackV4} -> {to.LoopbackV4} udp {I(Tracer.TunnelSourcePort(innerEth))} -> 4789) = 0x{hash:x8}, mod {I(from.FabricLinks.Count)} = {I(choice)}: {spine.Name}");
        Hop(from.Name, "leaf", link.LeafInterface, link.Mtu, HopAction.Encap, $"VXLAN {what} from VTEP {from.LoopbackV4} to {to.LoopbackV4}; +50 bytes; ECMP to {spine.Name}", wire, "vtep", link.Speed, LatencyProfile.FabricLinkMetres, ecmp: ecmp);
        if (!Check(link.Mtu.Bytes, LimitKind.Silent, from.Name, wire, link.LeafInterface))
        {
            return;
        }

        var down = to.FabricLinks.First(l => ReferenceEquals(l.Spine, spine));
        var routed = new Layer[] { new EthernetLayer(MacPlan.Switch(to), MacPlan.Switch(spine)), ((Ipv4Layer)outer[1]) with { Ttl = 63 }, outer[2], outer[3] };
        var atSpine = WithOuter(routed, innerEth);
        Hop(spine.Name, "spine", down.SpineInterface, down.Mtu, HopAction.Route, $"routes the outer packet to {to.Name} ({to.LoopbackV4}) out {down.SpineInterface}", atSpine, "switch", down.Speed, LatencyProfile.FabricLinkMetres);
        if (!Check(down.Mtu.Bytes, LimitKind.Silent, spine.Name, atSpine, down.SpineInterface))
        {
            return;
        }

        Hop(to.Name, "leaf", down.LeafInterface, down.Mtu, HopAction.Decap, $"VXLAN {what} decapsulated", payload, "vtep");
    }

    private static string Kind(Segment s) => Tokens.Of(s.Kind);

    private static string Describe(Layer eth) => eth is EthernetLayer e ? e.Destination.ToString() : eth.Name;

    private static string Describe(Frame f)
    {
        var ip = f.Layers.FirstOrDefault(l => l is Ipv4Layer or Ipv6Layer);
        string addresses = ip switch
        {
            Ipv4Layer a => $"{a.Source} -> {a.Destination}",
            Ipv6Layer b => $"{b.Source} -> {b.Destination}",
            _ => "",
        };
        string l4 = f.Layers.Select(l => l switch
        {
            TcpLayer t => $"TCP {I(t.SourcePort)} -> {I(t.DestinationPort)}",
            UdpLayer u => $"UDP {I(u.SourcePort)} -> {I(u.DestinationPort)}",
            Icmpv4Layer or Icmpv6Layer => "ICMP echo",
            _ => null,
        }).LastOrDefault(s => s is not null) ?? "";
        return $"{addresses} {l4}, {I(f.IpLength)} bytes".Trim();
    }
}
