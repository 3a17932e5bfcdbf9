using System.Net;
using System.Net.Sockets;
using Dcnet.Design;
using Dcnet.Text;
using Dcnet.Topology;
using Dcnet.Wire;

namespace Dcnet.Bonding;

/// <summary>The traffic classes of the bond traffic profile.</summary>
public enum TrafficKind
{
    [Token("north-south"), Doc("VM to the outside through its gateway.")]
    NorthSouth,

    [Token("north-south-return"), Doc("The gateway host's replies, tunnelled back to the VM's host.")]
    NorthSouthReturn,

    [Token("east-west"), Doc("VM to VM of its app group on another host.")]
    EastWest,

    [Token("storage"), Doc("Storage replication between hosts.")]
    Storage,

    [Token("live-migration"), Doc("A live migration between hosts.")]
    LiveMigration,
}

/// <summary>One flow a bond transmits under the traffic profile.</summary>
/// <param name="Kind">The traffic class.</param>
/// <param name="Key">The frame as the bond hashes it (outer headers for tunnelled traffic).</param>
/// <param name="BitsPerSecond">What the flow would send if nothing limited it.</param>
/// <param name="DestinationXor">The XOR of the outer destination IP's bytes: balance-alb's bucket.</param>
/// <param name="Tunnelled">True when the flow travels in an overlay tunnel.</param>
/// <param name="From">What sends it (a VM or host name).</param>
/// <param name="To">What receives it.</param>
public readonly record struct ProfiledFlow(TrafficKind Kind, FlowKey Key, double BitsPerSecond, byte DestinationXor, bool Tunnelled, string From, string To);

/// <summary>
/// Derives the flows every host bond transmits from the design: north-south from each VM vNIC to the outside (bridged
/// to the network's gateway on VLAN networks, tunnelled to a gateway host on overlay networks, and the gateway
/// host's tunnelled replies), east-west from each vNIC to VMs of its app group on other hosts, storage replication
/// from each host to its next peers, and live migrations to the next host of the cluster. Outer headers of tunnelled
/// flows carry the inner flow's entropy in the UDP source port when the platform does (<see cref="OverlayEntropy"/>).
/// Deterministic: the same design gives the same flows in the same order. docs/bonding.md describes every rule.
/// </summary>
public sealed class TrafficModel
{
    private const string Outside = "outside";
    private readonly Network net;
    private readonly TrafficProfileDesign profile;
    private readonly bool entropy;
    private readonly OverlayType overlay;
    private readonly bool underlayV6;
    private readonly Host?[] gatewayBySegment;
    private readonly List<ProfiledFlow>[][] flows;

    private TrafficModel(Network network)
    {
        net = network;
        profile = network.Design.TrafficProfile;
        entropy = OverlayEntropy.Applies(network.Design);
        overlay = network.Design.Overlay.Type;
        underlayV6 = network.Design.Overlay.UnderlayFamily == IpFamily.Ipv6;
        (GatewayHosts, UnknownGatewayHosts) = ChooseGatewayHosts(network);
        gatewayBySegment = new Host?[network.Segments.Count];
        int overlayIndex = 0;
        foreach (var s in network.Segments.Where(s => s.Kind == NetworkKind.Overlay))
        {
            gatewayBySegment[s.Index] = GatewayHosts.Count == 0 ? null : GatewayHosts[overlayIndex++ % GatewayHosts.Count];
        }

        flows = network.Hosts.Select(h => h.Bonds.Select(_ => new List<ProfiledFlow>()).ToArray()).ToArray();
    }

    /// <summary>Hosts that terminate north-south overlay traffic, in host order.</summary>
    public IReadOnlyList<Host> GatewayHosts { get; }

    /// <summary>Names in overlay.gateway-hosts that match no host, with where they were written.</summary>
    public IReadOnlyList<(string Name, SourceLocation At)> UnknownGatewayHosts { get; }

    /// <summary>True when tunnel source ports carry the inner flow's entropy.</summary>
    public bool SourcePortEntropy => entropy;

    /// <summary>Builds the flows of every host bond.</summary>
    public static TrafficModel Build(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var model = new TrafficModel(network);
        model.Generate();
        return model;
    }

    /// <summary>The flows <paramref name="bond"/> transmits, in profile order.</summary>
    public IReadOnlyList<ProfiledFlow> FlowsOf(Bond bond)
    {
        ArgumentNullException.ThrowIfNull(bond);
        int b = IndexOf(bond);
        return b < 0 ? [] : flows[bond.Host.Index][b];
    }

    /// <summary>The overlay gateway host of an overlay network, or null when VMs leave through their own host.</summary>
    public Host? GatewayOf(Segment segment) => segment is null ? null : gatewayBySegment[segment.Index];

    private static int IndexOf(Bond bond)
    {
        var bonds = bond.Host.Bonds;
        for (int i = 0; i < bonds.Count; i++)
        {
            if (ReferenceEquals(bonds[i], bond))
            {
                return i;
            }
        }

        return -1;
    }

    private void Add(Bond? bond, in ProfiledFlow flow)
    {
        if (bond is not null)
        {
            flows[bond.Host.Index][IndexOf(bond)].Add(flow);
        }
    }

    private static (IReadOnlyList<Host>, IReadOnlyList<(string, SourceLocation)>) ChooseGatewayHosts(Network net)
    {
        var o = net.Design.Overlay;
        var unknown = new List<(string, SourceLocation)>();
        if (o.Type == OverlayType.None)
        {
            return ([], unknown);
        }

        if (o.GatewayHosts is { } names)
        {
            var chosen = new List<Host>();
            for (int i = 0; i < names.Count; i++)
            {
                var matched = net.Hosts.Where(h => Glob.IsGlob(names[i]) ? Glob.Matches(names[i], h.Name) : h.Name == names[i]).ToList();
                if (matched.Count == 0)
                {
                    unknown.Add((names[i], o.LocationOf(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"gateway-hosts[{i}]"))));
                }

                chosen.AddRange(matched.Where(h => !chosen.Contains(h)));
            }

            return (chosen.Where(h => h.TunnelEndpoint is not null).OrderBy(h => h.Index).ToList(), unknown);
        }

        var withTep = net.Hosts.Where(h => h.TunnelEndpoint is not null && h.Vms.Count == 0).ToList();
        var onBorder = withTep.Where(h => h.Leaves.Any(l => l.IsBorder)).ToList();
        return (onBorder.Count > 0 ? onBorder : withTep, unknown);
    }

    private void Generate()
    {
        var positionInGroup = new int[net.Vms.Count];
        foreach (var g in net.Groups)
        {
            for (int i = 0; i < g.Vms.Count; i++)
            {
                positionInGroup[g.Vms[i].Index] = i;
            }
        }

        foreach (var host in net.Hosts)
        {
            foreach (var vm in host.Vms)
            {
                foreach (var vnic in vm.Vnics)
                {
                    NorthSouth(host, vnic);
                    EastWest(host, vnic, positionInGroup);
                }
            }
        }

        Storage();
        LiveMigration();
    }

    private bool IsV6(Vnic v, int parity, Vnic? peer = null)
    {
        bool has4 = v.V4 is not null && (peer is null || peer.V4 is not null);
        bool has6 = v.V6 is not null && (peer is null || peer.V6 is not null);
        return has6 && (!has4 || (parity & 1) == 1);
    }

    private void NorthSouth(Host host, Vnic v)
    {
        var ns = profile.NorthSouth;
        if (ns.ConnectionsPerVm == 0 || (v.V4 is null && v.V6 is null))
        {
            return;
        }

        var seg = v.Segment;
        double rate = ns.RatePerVm.BitsPerSecond / (double)ns.ConnectionsPerVm;
        for (int c = 0; c < ns.ConnectionsPerVm; c++)
        {
            bool six = IsV6(v, c);
            var src = six ? v.V6! : v.V4!;
            var dst = six ? ns.PeerIpv6 : ns.PeerIpv4;
            ushort sport = Ephemeral((uint)v.Index, (uint)c, 1);
            if (seg.Kind == NetworkKind.Localnet)
            {
                var key = FlowKey.ForIp(v.Mac, MacPlan.Gateway(seg), seg.Vlan?.Value, src, dst, 6, sport, (ushort)ns.Port);
                Add(host.BondFor(TrafficClass.Vm), new ProfiledFlow(TrafficKind.NorthSouth, key, rate, DestinationXor(dst), false, v.Vm.Name, Outside));
                continue;
            }

            if (seg.Kind != NetworkKind.Overlay || host.TunnelEndpoint is not { } tep)
            {
                continue;
            }

            var gateway = gatewayBySegment[seg.Index];
            if (gateway is null || ReferenceEquals(gateway, host) || gateway.TunnelEndpoint is not { } gwTep)
            {
                // No gateway host: the VM's own host routes it out (OVN distributed gateway, NSX distributed router
                // with an edge on the host): a routed frame from the host's MAC to the tunnel network's gateway.
                var tunnelSeg = tep.Segment;
                var key = FlowKey.ForIp(MacPlan.Of(tep), MacPlan.Gateway(tunnelSeg), TagOn(tep), src, dst, 6, sport, (ushort)ns.Port);
                Add(tep.Bond, new ProfiledFlow(TrafficKind.NorthSouth, key, rate, DestinationXor(dst), false, v.Vm.Name, Outside));
                continue;
            }

            uint inner = InnerHash(src, dst, 6, sport, (ushort)ns.Port);
            if (Tunnel(tep, gwTep, inner) is { } outward)
            {
                Add(tep.Bond, new ProfiledFlow(TrafficKind.NorthSouth, outward.Key, rate, outward.Xor, true, v.Vm.Name, gateway.Name));
            }

            uint back = InnerHash(dst, src, 6, (ushort)ns.Port, sport);
            if (Tunnel(gwTep, tep, back) is { } inward)
            {
                Add(gwTep.Bond, new ProfiledFlow(TrafficKind.NorthSouthReturn, inward.Key, rate, inward.Xor, true, gateway.Name, v.Vm.Name));
            }
        }
    }

    private void EastWest(Host host, Vnic v, int[] positionInGroup)
    {
        var ew = profile.EastWest;
        if (ew.PeersPerVm == 0 || net.Design.Policy.WithinGroup == PolicyAction.Deny || (v.V4 is null && v.V6 is null))
        {
            return;
        }

        var seg = v.Segment;
        var members = v.Vm.Group.Vms;
        int start = positionInGroup[v.Vm.Index];
        var peers = new List<Vnic>(ew.PeersPerVm);
        for (int step = 1; step < members.Count && peers.Count < ew.PeersPerVm; step++)
        {
            var peer = members[(start + step) % members.Count];
            if (peer.Host is null || ReferenceEquals(peer.Host, host))
            {
                continue;
            }

            foreach (var pv in peer.Vnics)
            {
                if (ReferenceEquals(pv.Segment, seg) && (pv.V4 is not null && v.V4 is not null || pv.V6 is not null && v.V6 is not null))
                {
                    peers.Add(pv);
                    break;
                }
            }
        }

        if (peers.Count == 0)
        {
            return;
        }

        double rate = ew.RatePerVm.BitsPerSecond / (double)peers.Count;
        for (int k = 0; k < peers.Count; k++)
        {
            var pv = peers[k];
            bool six = IsV6(v, k, pv);
            var src = six ? v.V6! : v.V4!;
            var dst = six ? pv.V6! : pv.V4!;
            ushort sport = Ephemeral((uint)v.Index, (uint)(1000 + k), 2);
            if (seg.Kind == NetworkKind.Localnet)
            {
                var key = FlowKey.ForIp(v.Mac, pv.Mac, seg.Vlan?.Value, src, dst, 6, sport, (ushort)ew.Port);
                Add(host.BondFor(TrafficClass.Vm), new ProfiledFlow(TrafficKind.EastWest, key, rate, DestinationXor(dst), false, v.Vm.Name, pv.Vm.Name));
            }
            else if (seg.Kind == NetworkKind.Overlay && host.TunnelEndpoint is { } tep && pv.Vm.Host!.TunnelEndpoint is { } peerTep)
            {
                uint inner = InnerHash(src, dst, 6, sport, (ushort)ew.Port);
                if (Tunnel(tep, peerTep, inner) is { } t)
                {
                    Add(tep.Bond, new ProfiledFlow(TrafficKind.EastWest, t.Key, rate, t.Xor, true, v.Vm.Name, pv.Vm.Name));
                }
            }
        }
    }

    private (FlowKey Key, byte Xor)? Tunnel(HostInterface from, HostInterface to, uint innerHash)
    {
        var src = underlayV6 ? from.V6 : from.V4;
        var dst = underlayV6 ? to.V6 : to.V4;
        if (src is null || dst is null)
        {
            return null;
        }

        ushort dport = overlay == OverlayType.Vxlan ? VxlanLayer.Port : GeneveLayer.Port;
        ushort sport = OverlayEntropy.SourcePort(overlay, innerHash, entropy);
        var key = FlowKey.ForIp(MacPlan.Of(from), MacPlan.Of(to), TagOn(from), src, dst, 17, sport, dport);
        return (key, DestinationXor(dst));
    }

    /// <summary>The metadata tag a host interface's frames carry: its VLAN, unless that is the bond's native VLAN.</summary>
    private static ushort? TagOn(HostInterface iface) =>
        iface.Segment.Vlan is { } v && iface.Bond is { } b && v != b.NativeVlan ? v.Value : null;

    private void Storage()
    {
        var st = profile.Storage;
        if (st.Replicas == 0)
        {
            return;
        }

        foreach (var seg in net.Segments.Where(s => s.Kind == NetworkKind.HostVlan && s.Role == NetworkRole.Storage))
        {
            var ifaces = seg.HostInterfaces.Where(i => i.V4 is not null || i.V6 is not null).ToList();
            int replicas = Math.Min(st.Replicas, ifaces.Count - 1);
            if (replicas <= 0)
            {
                continue;
            }

            double rate = st.Rate.BitsPerSecond / (double)(replicas * st.ConnectionsPerPeer);
            for (int i = 0; i < ifaces.Count; i++)
            {
                var me = ifaces[i];
                for (int r = 1; r <= replicas; r++)
                {
                    var peer = ifaces[(i + r) % ifaces.Count];
                    for (int c = 0; c < st.ConnectionsPerPeer; c++)
                    {
                        if (HostFlow(me, peer, (uint)((r * 64) + c), 3, (ushort)st.Port) is { } key)
                        {
                            Add(me.Bond, new ProfiledFlow(TrafficKind.Storage, key, rate, DestinationXor(Address(peer, me)!), false, me.Host.Name, peer.Host.Name));
                        }
                    }
                }
            }
        }
    }

    private void LiveMigration()
    {
        var lm = profile.LiveMigration;
        if (lm.Concurrent == 0)
        {
            return;
        }

        foreach (var seg in net.Segments.Where(s => s.Kind == NetworkKind.HostVlan && s.Role == NetworkRole.LiveMigration))
        {
            var byCluster = seg.HostInterfaces.Where(i => i.Host.Group.RunsVms && (i.V4 is not null || i.V6 is not null))
                .GroupBy(i => i.Host.Group.Cluster, StringComparer.Ordinal);
            foreach (var cluster in byCluster)
            {
                var ifaces = cluster.ToList();
                int targets = Math.Min(lm.Concurrent, ifaces.Count - 1);
                for (int i = 0; i < ifaces.Count; i++)
                {
                    var me = ifaces[i];
                    double total = lm.Rate?.BitsPerSecond ?? (me.Bond?.Members.Sum(m => (double)m.Speed.BitsPerSecond) ?? 0);
                    for (int t = 1; t <= targets; t++)
                    {
                        var peer = ifaces[(i + t) % ifaces.Count];
                        for (int s = 0; s < lm.Streams; s++)
                        {
                            if (HostFlow(me, peer, (uint)((t * 64) + s), 4, (ushort)lm.Port) is { } key)
                            {
                                Add(me.Bond, new ProfiledFlow(TrafficKind.LiveMigration, key, total / lm.Streams, DestinationXor(Address(peer, me)!), false, me.Host.Name, peer.Host.Name));
                            }
                        }
                    }
                }
            }
        }
    }

    private static IPAddress? Address(HostInterface iface, HostInterface other) =>
        iface.V4 is not null && other.V4 is not null ? iface.V4 : iface.V6 is not null && other.V6 is not null ? iface.V6 : null;

    private static FlowKey? HostFlow(HostInterface me, HostInterface peer, uint connection, uint salt, ushort port)
    {
        var src = Address(me, peer);
        var dst = Address(peer, me);
        if (src is null || dst is null)
        {
            return null;
        }

        ushort sport = Ephemeral((uint)me.Host.Index, connection, salt);
        return FlowKey.ForIp(MacPlan.Of(me), MacPlan.Of(peer), TagOn(me), src, dst, 6, sport, port);
    }

    /// <summary>An ephemeral source port as Linux picks them (net.ipv4.ip_local_port_range 32768-60999), deterministic.</summary>
    internal static ushort Ephemeral(uint a, uint b, uint salt) =>
        (ushort)(OverlayEntropy.VxlanPortMin + (int)(Mix(((ulong)a << 32) | b, salt) % (uint)(OverlayEntropy.VxlanPortMax - OverlayEntropy.VxlanPortMin + 1)));

    /// <summary>A stand-in for the tunnel device's keyed flow hash of the inner 5-tuple.</summary>
    internal static uint InnerHash(IPAddress src, IPAddress dst, byte proto, ushort sport, ushort dport)
    {
        ulong x = ((ulong)FlowKey.AddressWord(src) << 32) | FlowKey.AddressWord(dst);
        ulong y = ((ulong)sport << 32) | ((ulong)dport << 16) | proto;
        return Mix(x, y);
    }

    /// <summary>SplitMix64's finaliser over two words.</summary>
    private static uint Mix(ulong a, ulong b)
    {
        ulong z = a + (b * 0x9E3779B97F4A7C15UL) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (uint)((z ^ (z >> 31)) >> 16);
    }

    private static byte DestinationXor(IPAddress dst)
    {
        Span<byte> b = stackalloc byte[16];
        dst.TryWriteBytes(b, out int n);
        return BondSelector.XorBytes(b[..n]);
    }

    internal static bool IsV6(IPAddress a) => a.AddressFamily == AddressFamily.InterNetworkV6;
}
