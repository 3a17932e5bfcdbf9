using System.Globalization;
using System.Net;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bgp;

/// <summary>Keepalive and hold time of a BGP speaker (RFC 4271 §4.2, §10).</summary>
public readonly record struct BgpTimers(TimeSpan Keepalive, TimeSpan Hold)
{
    /// <summary>FRR's profile defaults: datacenter 3/9 s, traditional 60/180 s (bgpd/bgp_vty.c FRR_CFG_DEFAULT_*).</summary>
    public static BgpTimers Of(BgpProfile profile) => profile == BgpProfile.Datacenter
        ? new BgpTimers(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(9))
        : new BgpTimers(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(180));

    /// <summary>The hold time both ends use: the smaller proposal; 0 (no keepalives) wins (RFC 4271 §4.2).</summary>
    public static TimeSpan Negotiated(BgpTimers a, BgpTimers b) =>
        a.Hold == TimeSpan.Zero || b.Hold == TimeSpan.Zero ? TimeSpan.Zero : (a.Hold < b.Hold ? a.Hold : b.Hold);
}

/// <summary>BFD timers of one end: transmit = receive interval, and the detect multiplier.</summary>
public readonly record struct BfdTimers(TimeSpan Interval, int Multiplier)
{
    /// <summary>
    /// How long this end waits after the last packet from <paramref name="remote"/>: the remote's multiplier times the
    /// larger of our required receive interval and its transmit interval (RFC 5880 §6.8.4, bfdd/bfd_packet.c).
    /// </summary>
    public TimeSpan DetectionTime(BfdTimers remote) =>
        (Interval > remote.Interval ? Interval : remote.Interval) * remote.Multiplier;
}

/// <summary>Which side of which kind of session a neighbour statement configures.</summary>
public enum NeighborKind
{
    /// <summary>A spine's neighbour statement for a leaf.</summary>
    SpineToLeaf,

    /// <summary>A leaf's neighbour statement for a spine.</summary>
    LeafToSpine,

    /// <summary>A leaf's neighbour statement for a load-balancer speaker on one of its hosts.</summary>
    LeafToSpeaker,

    /// <summary>A speaker's neighbour statement (MetalLB BGPPeer) for one of its leaves.</summary>
    SpeakerToLeaf,
}

/// <summary>Why a neighbour statement has no partner on the other side.</summary>
public enum UnmatchedCause
{
    None,

    /// <summary>No host network to peer on.</summary>
    NoPeeringNetwork,

    /// <summary>The speaker has no interface on the peering network.</summary>
    NoInterface,

    /// <summary>The speaker has no address of the family on the peering network.</summary>
    NoHostAddress,

    /// <summary>The peering network has no address of the family for the leaf.</summary>
    NoLeafAddress,

    /// <summary>The fabric does not run the family.</summary>
    FamilyNotInFabric,

    /// <summary>The peering network is not routed by the fabric, so the leaves have no address on it.</summary>
    NotRouted,

    /// <summary>The other side has no statement for this one.</summary>
    NoStatement,
}

/// <summary>A BGP speaker: a spine, a leaf, or a host running a load-balancer speaker (MetalLB with FRR).</summary>
public sealed class BgpRouter
{
    private readonly HashSet<IPNetwork>[] networks = [[], []];

    internal BgpRouter(int index, Device device, Asn asn, IPAddress routerId)
    {
        Index = index;
        Device = device;
        Asn = asn;
        RouterId = routerId;
        RouterIdValue = (uint)IpMath.ToUInt128(routerId);
    }

    public int Index { get; }

    public Device Device { get; }

    public string Name => Device.Name;

    public DeviceRole Role => Device.Role;

    public Asn Asn { get; }

    /// <summary>The BGP identifier: the IPv4 loopback of a switch, the IPv4 address a speaker peers from.</summary>
    public IPAddress RouterId { get; }

    internal uint RouterIdValue { get; }

    public BgpProfile Profile { get; internal init; }

    /// <summary><c>bgp deterministic-med</c>: on in FRR's datacenter profile, off in traditional.</summary>
    public bool DeterministicMed => Profile == BgpProfile.Datacenter;

    public bool MultipathRelax { get; internal init; }

    public bool CompareRouterId { get; internal init; }

    /// <summary>eBGP <c>maximum-paths</c>, counting the best path (bgp_mpath.c).</summary>
    public int MaximumPaths { get; internal init; }

    /// <summary>Neighbour statements in configuration order.</summary>
    public IReadOnlyList<BgpNeighbor> Neighbors { get; internal set; } = [];

    /// <summary>Prefixes this router originates (<c>network</c> statements), sorted in table order.</summary>
    public IReadOnlyList<IPNetwork> Networks(IpFamily family) => NetworkList[(int)family];

    internal List<IPNetwork>[] NetworkList { get; } = [[], []];

    /// <summary>Whether the router has a <c>network</c> statement for <paramref name="prefix"/>.</summary>
    public bool Originates(IPNetwork prefix) => networks[prefix.IsV4() ? 0 : 1].Contains(prefix);

    internal void Originate(IPNetwork prefix)
    {
        int f = prefix.IsV4() ? 0 : 1;
        if (networks[f].Add(prefix))
        {
            NetworkList[f].Add(prefix);
        }
    }

    internal void SortNetworks()
    {
        foreach (var list in NetworkList)
        {
            list.Sort(IpMath.Compare);
        }
    }

    public override string ToString() => Name;
}

/// <summary>One end of a BGP session: a <c>neighbor</c> statement with everything configured for it.</summary>
public sealed class BgpNeighbor
{
    private readonly RouteFilter[] import = new RouteFilter[2];
    private readonly RouteFilter[] export = new RouteFilter[2];

    /// <summary>The router whose configuration holds this statement.</summary>
    public required BgpRouter Router { get; init; }

    /// <summary>The device this statement means to reach.</summary>
    public required string PeerName { get; init; }

    public required NeighborKind Kind { get; init; }

    /// <summary>What follows <c>neighbor</c>: the peer's address, or for BGP unnumbered our interface.</summary>
    public string Target => Unnumbered ? Interface : PeerAddress!.ToString();

    /// <summary>The peer's address; null for unnumbered (the peer is found by its IPv6 link-local address).</summary>
    public IPAddress? PeerAddress { get; init; }

    /// <summary>Our address on the link or segment; null for unnumbered.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>Our interface toward the peer (a fabric port, or a host or SVI interface on the peering network).</summary>
    public required string Interface { get; init; }

    /// <summary>BGP unnumbered: <c>neighbor IFACE interface</c>, over IPv6 link-local addresses with RFC 8950 next hops.</summary>
    public bool Unnumbered { get; init; }

    /// <summary>The session runs over a shared VLAN (a speaker and its leaf) rather than a point-to-point link.</summary>
    public bool SharedSegment { get; init; }

    /// <summary>The AS this end expects the peer to have (<c>remote-as</c>).</summary>
    public required Asn RemoteAs { get; init; }

    /// <summary>Address families activated for this neighbour.</summary>
    public required IReadOnlyList<IpFamily> Families { get; init; }

    public required BgpTimers Timers { get; init; }

    /// <summary>BFD timers when this end runs BFD for the session; null otherwise.</summary>
    public BfdTimers? Bfd { get; init; }

    /// <summary><c>allowas-in N</c>: how often our own AS may appear in a received path (0: never).</summary>
    public int AllowAsIn { get; init; }

    /// <summary>The fabric link, for fabric sessions.</summary>
    public FabricLink? Link { get; init; }

    /// <summary>The peering network, for speaker sessions.</summary>
    public Segment? Segment { get; init; }

    /// <summary>Why this end has no partner, when it has none.</summary>
    public string? Unmatched { get; internal set; }

    /// <summary>The kind of reason in <see cref="Unmatched"/>, for grouping findings.</summary>
    public UnmatchedCause Cause { get; internal set; }

    /// <summary>The session this end belongs to, once both ends are matched.</summary>
    public BgpSession? Session { get; internal set; }

    /// <summary>The inbound route-map for a family (what this end accepts).</summary>
    public RouteFilter Import(IpFamily family) => import[(int)family];

    /// <summary>The outbound route-map for a family (what this end announces).</summary>
    public RouteFilter Export(IpFamily family) => export[(int)family];

    internal void SetPolicy(IpFamily family, RouteFilter importFilter, RouteFilter exportFilter)
    {
        import[(int)family] = importFilter;
        export[(int)family] = exportFilter;
    }

    public override string ToString() => Router.Name + " neighbor " + Target;
}

/// <summary>A BGP session between two configured ends.</summary>
public sealed class BgpSession
{
    internal BgpSession(int index, BgpNeighbor a, BgpNeighbor b, string name)
    {
        Index = index;
        A = a;
        B = b;
        Name = name;
        Families = a.Families.Intersect(b.Families).Order().ToList();
    }

    public int Index { get; }

    /// <summary>The switch-side end: the spine of a fabric link, the leaf of a speaker session.</summary>
    public BgpNeighbor A { get; }

    /// <summary>The other end: the leaf of a fabric link, the speaker of a speaker session.</summary>
    public BgpNeighbor B { get; }

    /// <summary>spine-01/leaf-01 (unnumbered), spine-01/leaf-01 ipv4, leaf-01/worker-001 ipv6.</summary>
    public string Name { get; }

    /// <summary>Families activated at both ends.</summary>
    public IReadOnlyList<IpFamily> Families { get; }

    /// <summary>Why the session never reaches Established (a NOTIFICATION it would end with), or null.</summary>
    public string? Problem { get; internal set; }

    /// <summary>Both ends accept each other's OPEN and share at least one family.</summary>
    public bool Establishes => Problem is null && Families.Count > 0;

    /// <summary>A leaf and a load-balancer speaker, rather than a spine and a leaf.</summary>
    public bool IsSpeakerSession => A.Kind == NeighborKind.LeafToSpeaker;

    /// <summary>The end configured on <paramref name="router"/>.</summary>
    public BgpNeighbor EndOf(BgpRouter router) => ReferenceEquals(A.Router, router) ? A : B;

    /// <summary>The end facing <paramref name="end"/>.</summary>
    public BgpNeighbor Other(BgpNeighbor end) => ReferenceEquals(end, A) ? B : A;

    /// <summary>The hold time both ends use.</summary>
    public TimeSpan NegotiatedHold => BgpTimers.Negotiated(A.Timers, B.Timers);

    /// <summary>BFD runs only when both ends configure it.</summary>
    public bool Bfd => A.Bfd is not null && B.Bfd is not null;

    public override string ToString() => Name;
}

/// <summary>
/// The BGP view of a resolved network: which routers run BGP, their neighbour statements and sessions, what each
/// originates, and the import/export policies. Built once from the <see cref="Network"/>; the simulation
/// (<see cref="BgpSimulation"/>), the checks and the FRR renderer all read it.
/// </summary>
/// <remarks>
/// Decisions (docs/bgp.md has the long form): eBGP everywhere (RFC 7938). Spines and leaves peer per fabric link:
/// numbered, one session per family over the /31 and /127; unnumbered, one session per link over IPv6 link-local
/// addresses carrying both families. Leaves originate their loopbacks and the routed VLAN-backed networks (host
/// VLANs and localnet VM networks) of the hosts attached to them; overlay networks ride inside GENEVE/VXLAN between
/// hosts and are not fabric routes. Speakers peer the way MetalLB (FRR-K8s) does on OpenShift: one eBGP BGPPeer per
/// ToR, from the node's address on the peering network to the leaf's own address there; a leaf owns the address
/// <c>last usable - leaf index</c> of that network (the anycast gateway is shared and cannot carry a session). With
/// externalTrafficPolicy Local each node announces the VIPs of the services whose endpoints it hosts.
/// </remarks>
public sealed class BgpModel
{
    /// <summary>The route-map FRR applies on sessions toward speakers and on speakers' imports: deny everything.</summary>
    public const string DenyAllName = "DENY-ALL";

    private readonly Dictionary<string, BgpRouter> byName;

    private BgpModel(Network network, List<BgpRouter> routers)
    {
        Network = network;
        Routers = routers;
        byName = routers.ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    public Network Network { get; }

    public IReadOnlyList<BgpRouter> Routers { get; }

    public IReadOnlyList<BgpSession> Sessions { get; private set; } = [];

    /// <summary>Every neighbour statement, matched or not, in router then configuration order.</summary>
    public IReadOnlyList<BgpNeighbor> Neighbors { get; private set; } = [];

    /// <summary>Families the fabric runs (<c>fabric.families</c>).</summary>
    public IReadOnlyList<IpFamily> Families { get; private set; } = [];

    public BgpProfile Profile { get; private set; }

    public BgpTimers Timers { get; private set; }

    /// <summary>The fabric's BFD timers, or null when BFD is off.</summary>
    public BfdTimers? Bfd { get; private set; }

    /// <summary>The host network speakers peer from, when there are speakers.</summary>
    public Segment? PeerSegment { get; private set; }

    /// <summary>Shared prefix sets, by id.</summary>
    public IReadOnlyList<PrefixSet> PrefixSets { get; private set; } = [];

    public IEnumerable<BgpRouter> Spines => Routers.Where(r => r.Role == DeviceRole.Spine);

    public IEnumerable<BgpRouter> Leaves => Routers.Where(r => r.Role == DeviceRole.Leaf);

    public IEnumerable<BgpRouter> Speakers => Routers.Where(r => r.Role == DeviceRole.Host);

    /// <summary>The router of a device, or null when the device runs no BGP.</summary>
    public BgpRouter? Find(string name) => byName.GetValueOrDefault(name);

    /// <summary>Bit mask of the shared prefix sets that contain <paramref name="prefix"/>.</summary>
    public ulong MembershipOf(IPNetwork prefix)
    {
        ulong bits = 0;
        foreach (var s in PrefixSets)
        {
            if (s.Contains(prefix))
            {
                bits |= 1UL << s.Id;
            }
        }

        return bits;
    }

    /// <summary>
    /// The address a leaf owns on a host network for BGP with its speakers: the last usable address minus the leaf's
    /// index (leaf-01 .254 of a /24, leaf-02 .253, ...), or null when the prefix is too small or the address is the
    /// gateway.
    /// </summary>
    public static IPAddress? LeafPeeringAddress(Segment segment, Switch leaf, IpFamily family)
    {
        if ((family == IpFamily.Ipv4 ? segment.Ipv4 : segment.Ipv6) is not { } p)
        {
            return null;
        }

        UInt128 last = family == IpFamily.Ipv4 ? p.Last() - (p.PrefixLength >= 31 ? 0 : UInt128.One) : p.Last();
        UInt128 first = p.First() + (p.PrefixLength >= (family == IpFamily.Ipv4 ? 31 : 127) ? 0 : UInt128.One);
        if (last < first || last - first < (UInt128)leaf.Index)
        {
            return null;
        }

        var a = IpMath.FromUInt128(last - (UInt128)leaf.Index, family == IpFamily.Ipv4);
        var gateway = family == IpFamily.Ipv4 ? segment.Gateway4 : segment.Gateway6;
        return a.Equals(gateway) ? null : a;
    }

    /// <summary>The SVI name dcnet gives a leaf's interface on a VLAN network.</summary>
    public static string SviName(Segment s) => s.Vlan is { } v ? "vlan" + v.ToString() : "vlan-" + s.Name;

    /// <summary>The speakers' peering network: the design's peer-network, else the first host VLAN with role management.</summary>
    public static Segment? PeeringSegmentOf(Network network) =>
        network.Design.LoadBalancer?.PeerNetwork is string name
            ? network.FindSegment(name)
            : network.Segments.FirstOrDefault(s => s.Kind == NetworkKind.HostVlan && s.Role == NetworkRole.Management);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Network, BgpModel> Cache = [];

    /// <summary>The BGP view of <paramref name="network"/>, built once per network (checks share it).</summary>
    public static BgpModel Of(Network network) => Cache.GetValue(network, Build);

    /// <summary>Builds the BGP view of <paramref name="network"/>.</summary>
    public static BgpModel Build(Network network)
    {
        var d = network.Design;
        var f = d.Fabric;
        var bgp = f.Bgp;
        var lb = d.LoadBalancer is { Mode: LoadBalancerMode.Bgp } l ? l : null;
        var peerSegment = lb is null ? null : PeeringSegmentOf(network);
        var families = f.Families.Distinct().Order().ToList();

        var routers = new List<BgpRouter>();
        foreach (var s in network.Spines.Concat(network.Leaves))
        {
            routers.Add(new BgpRouter(routers.Count, s, s.Asn, s.LoopbackV4!)
            {
                Profile = bgp.Profile,
                MultipathRelax = bgp.MultipathRelax,
                CompareRouterId = bgp.CompareRouterId,
                MaximumPaths = bgp.MaximumPaths,
            });
        }

        var speakers = lb is null ? [] : network.LoadBalancer?.Speakers ?? [];
        foreach (var h in speakers)
        {
            var iface = peerSegment is null ? null : h.Interfaces.FirstOrDefault(i => ReferenceEquals(i.Segment, peerSegment));
            routers.Add(new BgpRouter(routers.Count, h, lb!.Asn, iface?.V4 ?? SyntheticRouterId(h))
            {
                Profile = bgp.Profile,

                // FRR-K8s renders neither multipath-relax nor compare-routerid, and speakers import nothing anyway.
                MultipathRelax = false,
                CompareRouterId = false,
                MaximumPaths = FrrDefaultMaximumPaths,
            });
        }

        var model = new BgpModel(network, routers)
        {
            Families = families,
            Profile = bgp.Profile,
            Timers = BgpTimers.Of(bgp.Profile),
            Bfd = bgp.Bfd.Enabled ? new BfdTimers(bgp.Bfd.Interval, bgp.Bfd.Multiplier) : null,
            PeerSegment = peerSegment,
        };
        model.Originations(families, lb);
        model.BuildPrefixSets(families, lb);
        model.BuildSessions(families, lb, peerSegment);
        foreach (var r in routers)
        {
            r.SortNetworks();
        }

        return model;
    }

    /// <summary>FRR's <c>maximum-paths</c> default on Debian (built with --enable-multipath=256).</summary>
    public const int FrrDefaultMaximumPaths = 256;

    /// <summary>A router id for a speaker without an IPv4 address: 0.0.x.y from its host index (FRR needs a non-zero id).</summary>
    private static IPAddress SyntheticRouterId(Host h) => IpMath.FromUInt128((UInt128)(h.Index + 1), true);

    private static bool Serves(Switch leaf, Segment s) =>
        leaf.Hosts.Any(h => h.Bonds.Any(b => b.Segments.Contains(s)) || h.Interfaces.Any(i => ReferenceEquals(i.Segment, s)));

    /// <summary>The networks a leaf originates: routed VLAN-backed networks that its hosts carry.</summary>
    public static IEnumerable<Segment> OriginatedSegments(Switch leaf, Network network) =>
        network.Segments.Where(s => s.Design.Routed && s.Kind is NetworkKind.HostVlan or NetworkKind.Localnet && Serves(leaf, s));

    private void Originations(List<IpFamily> families, LoadBalancerDesign? lb)
    {
        bool v4 = families.Contains(IpFamily.Ipv4), v6 = families.Contains(IpFamily.Ipv6);
        var servicesOf = new Dictionary<Host, List<LbService>>();
        foreach (var svc in Network.LoadBalancer?.Services ?? [])
        {
            foreach (var h in svc.Endpoints)
            {
                if (!servicesOf.TryGetValue(h, out var list))
                {
                    servicesOf[h] = list = [];
                }

                list.Add(svc);
            }
        }

        foreach (var r in Routers)
        {
            switch (r.Device)
            {
                case Switch s:
                    if (v4 && s.LoopbackV4 is { } l4)
                    {
                        r.Originate(new IPNetwork(l4, 32));
                    }

                    if (v6 && s.LoopbackV6 is { } l6)
                    {
                        r.Originate(new IPNetwork(l6, 128));
                    }

                    if (s.Role == DeviceRole.Leaf)
                    {
                        foreach (var seg in OriginatedSegments(s, Network))
                        {
                            if (v4 && seg.Ipv4 is { } p4)
                            {
                                r.Originate(p4);
                            }

                            if (v6 && seg.Ipv6 is { } p6)
                            {
                                r.Originate(p6);
                            }
                        }
                    }

                    break;
                case Host h when lb is not null:
                    foreach (var svc in servicesOf.GetValueOrDefault(h) ?? [])
                    {
                        if (svc.VipV4 is { } a4)
                        {
                            r.Originate(new IPNetwork(a4, 32));
                        }

                        if (svc.VipV6 is { } a6)
                        {
                            r.Originate(new IPNetwork(a6, 128));
                        }
                    }

                    break;
            }
        }
    }

    private PrefixSet? fabricV4, fabricV6, vipsV4, vipsV6;

    private void BuildPrefixSets(List<IpFamily> families, LoadBalancerDesign? lb)
    {
        var sets = new List<PrefixSet>();
        var f = Network.Design.Fabric;
        foreach (var family in new[] { IpFamily.Ipv4, IpFamily.Ipv6 })
        {
            bool v4 = family == IpFamily.Ipv4;
            var pools = lb?.Pools.SelectMany(p => p.Addresses).Where(p => p.IsV4() == v4).Select(PrefixRule.HostRoutesIn).ToList() ?? [];
            PrefixSet? vips = pools.Count > 0 ? new PrefixSet(sets.Count, v4 ? "VIPS-V4" : "VIPS-V6", family, pools) : null;
            if (vips is not null)
            {
                sets.Add(vips);
            }

            PrefixSet? fabric = null;
            if (families.Contains(family))
            {
                var rules = new List<PrefixRule>();
                var leafNets = Leaves.SelectMany(r => r.Networks(family)).Where(p => !Spines.Concat(Leaves).Any(x => x.Device is Switch s && IsLoopback(s, p)))
                    .Distinct().Order(Comparer<IPNetwork>.Create(IpMath.Compare));
                rules.AddRange(leafNets.Select(p => new PrefixRule(p)));
                rules.Add(PrefixRule.HostRoutesIn(v4 ? f.Ipv4Loopbacks : f.Ipv6Loopbacks));
                rules.AddRange(pools);
                fabric = new PrefixSet(sets.Count, v4 ? "FABRIC-V4" : "FABRIC-V6", family, rules);
                sets.Add(fabric);
            }

            if (v4)
            {
                (fabricV4, vipsV4) = (fabric, vips);
            }
            else
            {
                (fabricV6, vipsV6) = (fabric, vips);
            }
        }

        PrefixSets = sets;
    }

    private static bool IsLoopback(Switch s, IPNetwork p) =>
        (p.PrefixLength == 32 && p.BaseAddress.Equals(s.LoopbackV4)) || (p.PrefixLength == 128 && p.BaseAddress.Equals(s.LoopbackV6));

    private PrefixSet? FabricSet(IpFamily f) => f == IpFamily.Ipv4 ? fabricV4 : fabricV6;

    private PrefixSet? VipSet(IpFamily f) => f == IpFamily.Ipv4 ? vipsV4 : vipsV6;

    private static string Suffix(IpFamily f) => f == IpFamily.Ipv4 ? "-V4" : "-V6";

    private static readonly RouteFilter DenyAll = new(DenyAllName, FilterAction.DenyAll);

    private void SetFabricPolicy(BgpNeighbor n)
    {
        foreach (var family in n.Families)
        {
            var fabric = FabricSet(family);
            if (n.Kind == NeighborKind.SpineToLeaf)
            {
                n.SetPolicy(family, new RouteFilter("FROM-LEAF" + Suffix(family), FilterAction.Match, set: fabric), new RouteFilter("TO-LEAF", FilterAction.PermitAll));
            }
            else
            {
                n.SetPolicy(family,
                    new RouteFilter("FROM-SPINE" + Suffix(family), FilterAction.Match, set: fabric),
                    new RouteFilter("TO-SPINE" + Suffix(family), FilterAction.Match, permitOwnNetworks: true, set: VipSet(family)));
            }
        }
    }

    private void BuildSessions(List<IpFamily> families, LoadBalancerDesign? lb, Segment? peerSegment)
    {
        var f = Network.Design.Fabric;
        var bgp = f.Bgp;
        var neighbors = Routers.Select(_ => new List<BgpNeighbor>()).ToList();
        var sessions = new List<BgpSession>();
        int allowAsIn = f.Asn.LeafScheme is LeafAsScheme.PerPair or LeafAsScheme.Shared ? 1 : 0;

        foreach (var link in Network.FabricLinks)
        {
            var spine = Find(link.Spine.Name)!;
            var leaf = Find(link.Leaf.Name)!;
            if (f.Addressing == LinkAddressing.Unnumbered)
            {
                var a = FabricEnd(spine, leaf, link, NeighborKind.SpineToLeaf, null, null, link.SpineInterface, families, 0);
                var b = FabricEnd(leaf, spine, link, NeighborKind.LeafToSpine, null, null, link.LeafInterface, families, allowAsIn);
                Pair(a, b, link.Name);
                continue;
            }

            foreach (var family in families)
            {
                var (sa, la) = family == IpFamily.Ipv4 ? (link.SpineV4, link.LeafV4) : (link.SpineV6, link.LeafV6);
                if (sa is null || la is null)
                {
                    continue;
                }

                var a = FabricEnd(spine, leaf, link, NeighborKind.SpineToLeaf, la, sa, link.SpineInterface, [family], 0);
                var b = FabricEnd(leaf, spine, link, NeighborKind.LeafToSpine, sa, la, link.LeafInterface, [family], allowAsIn);
                Pair(a, b, link.Name + " " + Token(family));
            }
        }

        if (lb is not null)
        {
            SpeakerSessions(families, lb, peerSegment, neighbors, sessions);
        }

        // Neighbour order in each router's configuration: fabric ends first (spine/leaf order), then speaker ends.
        foreach (var r in Routers)
        {
            r.Neighbors = neighbors[r.Index];
        }

        Neighbors = neighbors.SelectMany(n => n).ToList();
        Sessions = sessions;

        BgpNeighbor FabricEnd(BgpRouter self, BgpRouter peer, FabricLink link, NeighborKind kind, IPAddress? peerAddress, IPAddress? local, string iface, IReadOnlyList<IpFamily> fams, int allow)
        {
            var n = new BgpNeighbor
            {
                Router = self,
                PeerName = peer.Name,
                Kind = kind,
                PeerAddress = peerAddress,
                LocalAddress = local,
                Interface = iface,
                Unnumbered = peerAddress is null,
                RemoteAs = peer.Asn,
                Families = fams,
                Timers = Timers,
                Bfd = Bfd,
                AllowAsIn = allow,
                Link = link,
            };
            SetFabricPolicy(n);
            neighbors[self.Index].Add(n);
            return n;
        }

        void Pair(BgpNeighbor a, BgpNeighbor b, string name)
        {
            var s = new BgpSession(sessions.Count, a, b, name);
            a.Session = s;
            b.Session = s;
            s.Problem = ProblemOf(a, b);
            sessions.Add(s);
        }
    }

    private static string Token(IpFamily f) => f == IpFamily.Ipv4 ? "ipv4" : "ipv6";

    /// <summary>Why two matched ends never reach Established: each end checks the AS in the other's OPEN.</summary>
    private static string? ProblemOf(BgpNeighbor a, BgpNeighbor b)
    {
        foreach (var (x, y) in new[] { (a, b), (b, a) })
        {
            if (x.RemoteAs != y.Router.Asn)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"{x.Router.Name} expects {y.Router.Name} in AS {x.RemoteAs}, but {y.Router.Name} is AS {y.Router.Asn}: {x.Router.Name} answers the OPEN with NOTIFICATION Bad Peer AS (RFC 4271 §6.2)");
            }
        }

        return null;
    }

    private void SpeakerSessions(List<IpFamily> families, LoadBalancerDesign lb, Segment? peer, List<List<BgpNeighbor>> neighbors, List<BgpSession> sessions)
    {
        var lbFamilies = lb.Pools.SelectMany(p => p.Addresses).Select(p => p.IsV4() ? IpFamily.Ipv4 : IpFamily.Ipv6).Distinct().Order().ToList();
        var speakerTimers = new BgpTimers(lb.KeepaliveTime ?? Timers.Keepalive, lb.HoldTime ?? Timers.Hold);
        var speakerBfd = lb.Bfd ? new BfdTimers(Network.Design.Fabric.Bgp.Bfd.Interval, Network.Design.Fabric.Bgp.Bfd.Multiplier) : (BfdTimers?)null;
        var speakerEnds = new Dictionary<(int Leaf, int Host, IpFamily Family), BgpNeighbor>();
        var leafEnds = new Dictionary<(int Leaf, int Host, IpFamily Family), BgpNeighbor>();

        // The speaker side, as the load-balancer configuration (MetalLB BGPPeers) would have it.
        foreach (var sr in Speakers)
        {
            var host = (Host)sr.Device;
            var iface = peer is null ? null : host.Interfaces.FirstOrDefault(i => ReferenceEquals(i.Segment, peer));
            foreach (var leafSwitch in host.Leaves)
            {
                var leaf = Find(leafSwitch.Name)!;
                foreach (var family in lbFamilies)
                {
                    var local = family == IpFamily.Ipv4 ? iface?.V4 : iface?.V6;
                    var leafAddress = peer is null ? null : LeafPeeringAddress(peer, leafSwitch, family);
                    var n = new BgpNeighbor
                    {
                        Router = sr,
                        PeerName = leaf.Name,
                        Kind = NeighborKind.SpeakerToLeaf,
                        PeerAddress = leafAddress,
                        LocalAddress = local,
                        Interface = iface?.Name ?? "",
                        SharedSegment = true,
                        RemoteAs = lb.PeerAsn ?? leaf.Asn,
                        Families = [family],
                        Timers = speakerTimers,
                        Bfd = speakerBfd,
                        Segment = peer,
                    };
                    n.SetPolicy(family, DenyAll, new RouteFilter("TO-LEAF" + Suffix(family), FilterAction.Match, permitOwnNetworks: true));
                    if (peer is null)
                    {
                        (n.Unmatched, n.Cause) = ("there is no peering network (no host VLAN with role management, and load-balancer.peer-network is not set)", UnmatchedCause.NoPeeringNetwork);
                    }
                    else if (iface is null)
                    {
                        (n.Unmatched, n.Cause) = ($"{host.Name} has no interface on the peering network '{peer.Name}'", UnmatchedCause.NoInterface);
                    }
                    else if (local is null)
                    {
                        (n.Unmatched, n.Cause) = ($"{host.Name} has no {FamilyName(family)} address on '{peer.Name}'", UnmatchedCause.NoHostAddress);
                    }
                    else if (leafAddress is null)
                    {
                        (n.Unmatched, n.Cause) = ($"'{peer.Name}' has no {FamilyName(family)} address for {leaf.Name}", UnmatchedCause.NoLeafAddress);
                    }

                    if (n.Unmatched is null)
                    {
                        speakerEnds[(leaf.Index, sr.Index, family)] = n;
                    }

                    neighbors[sr.Index].Add(n);
                }
            }
        }

        // The leaf side, as the fabric configuration would have it.
        foreach (var leaf in Leaves)
        {
            var leafSwitch = (Switch)leaf.Device;
            foreach (var host in leafSwitch.Hosts.Where(h => h.IsSpeaker))
            {
                var sr = Find(host.Name)!;
                var iface = peer is null ? null : host.Interfaces.FirstOrDefault(i => ReferenceEquals(i.Segment, peer));
                foreach (var family in families.Intersect(lbFamilies))
                {
                    var hostAddress = family == IpFamily.Ipv4 ? iface?.V4 : iface?.V6;
                    var local = peer is null ? null : LeafPeeringAddress(peer, leafSwitch, family);
                    if (peer is null || !peer.Design.Routed || hostAddress is null || local is null)
                    {
                        continue;
                    }

                    var n = new BgpNeighbor
                    {
                        Router = leaf,
                        PeerName = host.Name,
                        Kind = NeighborKind.LeafToSpeaker,
                        PeerAddress = hostAddress,
                        LocalAddress = local,
                        Interface = SviName(peer),
                        SharedSegment = true,
                        RemoteAs = lb.Asn,
                        Families = [family],
                        Timers = Timers,
                        Bfd = Bfd,
                        Segment = peer,
                    };
                    n.SetPolicy(family, new RouteFilter("FROM-SPEAKER" + Suffix(family), FilterAction.Match, set: VipSet(family)), DenyAll);
                    leafEnds[(leaf.Index, sr.Index, family)] = n;
                    neighbors[leaf.Index].Add(n);
                }
            }
        }

        foreach (var (key, s) in speakerEnds.OrderBy(k => k.Key.Leaf).ThenBy(k => k.Key.Host).ThenBy(k => k.Key.Family))
        {
            if (!leafEnds.TryGetValue(key, out var l))
            {
                var leaf = Routers[key.Leaf];
                var (why, cause) = !families.Contains(key.Family) ? ($"the fabric does not run {FamilyName(key.Family)} (fabric.families)", UnmatchedCause.FamilyNotInFabric)
                    : !peer!.Design.Routed ? ($"'{peer.Name}' is not routed by the fabric (routed: false)", UnmatchedCause.NotRouted)
                    : ("the leaf has no neighbour for it", UnmatchedCause.NoStatement);
                (s.Unmatched, s.Cause) = ($"{leaf.Name} has no {FamilyName(key.Family)} session for {s.Router.Name}: {why}", cause);
                continue;
            }

            var session = new BgpSession(sessions.Count, l, s, l.Router.Name + "/" + s.Router.Name + " " + Token(key.Family));
            l.Session = session;
            s.Session = session;
            session.Problem = ProblemOf(l, s);
            sessions.Add(session);
        }

        foreach (var (key, l) in leafEnds.Where(k => !speakerEnds.ContainsKey(k.Key)).OrderBy(k => k.Key.Leaf).ThenBy(k => k.Key.Host))
        {
            (l.Unmatched, l.Cause) = ($"{Routers[key.Host].Name} does not peer with {l.Router.Name} over {FamilyName(key.Family)}", UnmatchedCause.NoStatement);
        }
    }

    internal static string FamilyName(IpFamily f) => f == IpFamily.Ipv4 ? "IPv4" : "IPv6";
}
