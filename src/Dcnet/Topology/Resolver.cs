using System.Globalization;
using System.Net;
using Dcnet.Bgp;
using Dcnet.Design;
using Dcnet.Text;
using Dcnet.Vlans;
using Dcnet.Wire;

namespace Dcnet.Topology;

/// <summary>
/// Turns a validated design into the immutable <see cref="Network"/>. Deterministic: the same design gives the same
/// names, the same placement and the same addresses, byte for byte. Conditions that make a design unwise (a full
/// subnet, a leaf that does not exist) are kept in the network for the checks to report; conditions that make it
/// impossible to resolve (a fabric pool too small) are design errors.
/// </summary>
public static class Resolver
{
    /// <summary>The first two octets of every vNIC MAC: locally administered (0x02), then 0xdc.</summary>
    public const ushort VnicMacPrefix = 0x02dc;

    /// <summary>The first VNI given to overlay networks.</summary>
    public const uint FirstVni = 10_000;

    public static Network Resolve(DesignDocument design)
    {
        var errors = new List<DesignError>();
        var net = new Network(design);
        var segments = BuildSegments(design);
        net.Segments = segments;
        BuildFabric(design, net, errors);
        BuildHosts(design, net, segments);
        net.TunnelSegment = ChooseTunnelSegment(design, segments);
        AttachHostInterfaces(net, segments);
        BuildGroupsAndVms(design, net, segments);
        AddressSegments(net);
        BuildLoadBalancer(design, net, errors);
        if (errors.Count > 0)
        {
            throw new DesignException(errors);
        }

        return net;
    }

    private static List<Segment> BuildSegments(DesignDocument design)
    {
        var list = new List<Segment>();
        uint vni = FirstVni;
        foreach (var n in design.Networks)
        {
            var s = new Segment(n, list.Count);
            s.Gateway4 = n.Ipv4 is { } p4 ? n.Gateway4 ?? p4.Nth(1) : null;
            s.Gateway6 = n.Ipv6 is { } p6 ? n.Gateway6 ?? p6.Nth(1) : null;
            if (n.Kind == NetworkKind.Overlay)
            {
                s.Vni = vni++;
            }

            list.Add(s);
        }

        return list;
    }

    private static void BuildFabric(DesignDocument design, Network net, List<DesignError> errors)
    {
        var f = design.Fabric;
        bool v4 = f.Families.Contains(IpFamily.Ipv4);
        bool v6 = f.Families.Contains(IpFamily.Ipv6);
        var spines = new List<Switch>();
        var leaves = new List<Switch>();
        for (int i = 0; i < f.Spines; i++)
        {
            spines.Add(new Switch(Names.Spine(i), DeviceRole.Spine, i) { Asn = f.Asn.Spine, PortMtu = f.PortMtu });
        }

        for (int i = 0; i < f.Leaves; i++)
        {
            leaves.Add(new Switch(Names.Leaf(i), DeviceRole.Leaf, i) { PortMtu = f.PortMtu });
        }

        // Loopbacks: spines first, then leaves, from the first host address of each pool.
        int switches = f.Spines + f.Leaves;
        if (v4 && f.Ipv4Loopbacks.UsableHosts() < (UInt128)switches)
        {
            errors.Add(new DesignError(f.LocationOf("ipv4-loopbacks"), string.Create(CultureInfo.InvariantCulture, $"{f.Ipv4Loopbacks} has room for {f.Ipv4Loopbacks.UsableHosts()} loopbacks; the fabric has {switches} switches"), "a larger loopback pool"));
            v4 = false;
        }

        if (v6 && f.Ipv6Loopbacks.Size() - 1 < (UInt128)switches)
        {
            errors.Add(new DesignError(f.LocationOf("ipv6-loopbacks"), string.Create(CultureInfo.InvariantCulture, $"{f.Ipv6Loopbacks} has room for {f.Ipv6Loopbacks.Size() - 1} loopbacks; the fabric has {switches} switches"), "a larger loopback pool"));
        }

        var all = spines.Concat(leaves).ToList();
        for (int i = 0; i < all.Count; i++)
        {
            all[i].LoopbackV4 = f.Ipv4Loopbacks.Nth((UInt128)(i + 1));
            if (v6)
            {
                all[i].LoopbackV6 = f.Ipv6Loopbacks.Nth((UInt128)(i + 1));
            }
        }

        // ASNs.
        var pairs = BuildPairs(f, leaves);
        for (int i = 0; i < leaves.Count; i++)
        {
            uint asn = f.Asn.Leaves is { } explicitAsns ? explicitAsns[i].Value
                : f.Asn.LeafScheme switch
                {
                    LeafAsScheme.PerLeaf => f.Asn.LeafBase.Value + (uint)i,
                    LeafAsScheme.PerPair => f.Asn.LeafBase.Value + (uint)(leaves[i].MlagPair?.Index ?? (pairs.Count + i)),
                    _ => f.Asn.LeafBase.Value,
                };
            leaves[i].Asn = new Asn(asn);
        }

        net.MlagPairs = pairs;

        // Border leaves.
        var borders = new HashSet<Switch>();
        if (f.BorderLeaves is { } named)
        {
            foreach (string b in named)
            {
                int idx = Names.LeafIndex(b, f.Leaves);
                if (idx >= 0)
                {
                    borders.Add(leaves[idx]);
                }
            }
        }
        else if (leaves.Count > 0)
        {
            borders.Add(leaves[0]);
            if (leaves[0].MlagPair is { } p)
            {
                borders.Add(p.B);
            }
        }

        foreach (var b in borders)
        {
            b.IsBorder = true;
        }

        // Links: leaf-major, so a leaf's uplinks are consecutive /31s.
        long links = (long)f.Spines * f.Leaves;
        bool numbered = f.Addressing == LinkAddressing.Numbered;
        if (numbered && v4 && f.Ipv4P2p.Size() < (UInt128)(links * 2))
        {
            errors.Add(new DesignError(f.LocationOf("ipv4-p2p"), string.Create(CultureInfo.InvariantCulture, $"{f.Ipv4P2p} holds {f.Ipv4P2p.Size() / 2} /31s; the fabric has {links} links"), "a larger link pool"));
            v4 = false;
        }

        if (numbered && v6 && f.Ipv6P2p.Size() < (UInt128)(links * 2))
        {
            errors.Add(new DesignError(f.LocationOf("ipv6-p2p"), string.Create(CultureInfo.InvariantCulture, $"{f.Ipv6P2p} holds {f.Ipv6P2p.Size() / 2} /127s; the fabric has {links} links"), "a larger link pool"));
            v6 = false;
        }

        var fabricLinks = new List<FabricLink>();
        var spineLinks = spines.Select(_ => new List<FabricLink>()).ToList();
        foreach (var leaf in leaves)
        {
            var up = new List<FabricLink>();
            foreach (var spine in spines)
            {
                int k = fabricLinks.Count;
                IPNetwork? p4 = numbered && v4 ? f.Ipv4P2p.Subnet(31, (UInt128)k) : null;
                IPNetwork? p6 = numbered && v6 ? f.Ipv6P2p.Subnet(127, (UInt128)k) : null;
                var link = new FabricLink
                {
                    Index = k,
                    Spine = spine,
                    Leaf = leaf,
                    SpineInterface = "swp" + (leaf.Index + 1).ToString(CultureInfo.InvariantCulture),
                    LeafInterface = "uplink" + (spine.Index + 1).ToString(CultureInfo.InvariantCulture),
                    Speed = f.UplinkSpeed,
                    Mtu = f.PortMtu,
                    PrefixV4 = p4,
                    SpineV4 = p4?.Nth(0),
                    LeafV4 = p4?.Nth(1),
                    PrefixV6 = p6,
                    SpineV6 = p6?.Nth(0),
                    LeafV6 = p6?.Nth(1),
                };
                fabricLinks.Add(link);
                up.Add(link);
                spineLinks[spine.Index].Add(link);
            }

            leaf.FabricLinks = up;
        }

        foreach (var spine in spines)
        {
            spine.FabricLinks = spineLinks[spine.Index];
        }

        net.Spines = spines;
        net.Leaves = leaves;
        net.FabricLinks = fabricLinks;
    }

    private static List<MlagPair> BuildPairs(FabricDesign f, List<Switch> leaves)
    {
        var pairs = new List<MlagPair>();
        if (f.MlagPairs is { } explicitPairs)
        {
            foreach (var p in explicitPairs)
            {
                int a = Names.LeafIndex(p[0], f.Leaves), b = Names.LeafIndex(p[1], f.Leaves);
                pairs.Add(new MlagPair(pairs.Count, leaves[a], leaves[b]));
            }
        }
        else if (f.Mlag)
        {
            for (int i = 0; i + 1 < leaves.Count; i += 2)
            {
                pairs.Add(new MlagPair(pairs.Count, leaves[i], leaves[i + 1]));
            }
        }

        foreach (var p in pairs)
        {
            p.A.MlagPair = p;
            p.B.MlagPair = p;
        }

        return pairs;
    }

    private static void BuildHosts(DesignDocument design, Network net, List<Segment> segments)
    {
        var groups = new List<HostGroup>();
        var hosts = new List<Host>();
        var vmGroups = design.Workloads.HostGroups?.ToHashSet(StringComparer.Ordinal);
        var leafPorts = net.Leaves.Select(_ => new List<Nic>()).ToList();
        var leafHosts = net.Leaves.Select(_ => new List<Host>()).ToList();
        foreach (var gd in design.Hosts)
        {
            var group = new HostGroup(gd, gd.Cluster ?? gd.Name)
            {
                RunsVms = vmGroups?.Contains(gd.Name) ?? gd.Bonds.Any(b => b.Carries.Contains(TrafficClass.Vm)),
            };
            var racks = Racks(net, gd, group);
            var members = new List<Host>();
            for (int i = 0; i < gd.Count; i++)
            {
                var host = new Host(Names.Host(gd.Name, i), group, hosts.Count, i);
                var rack = racks.Count == 0 ? [] : racks[(int)((long)i * racks.Count / gd.Count)];
                host.Leaves = rack;
                BuildNicsAndBonds(host, gd, rack, segments);
                foreach (var nic in host.Nics)
                {
                    if (nic.Leaf is { } leaf)
                    {
                        var ports = leafPorts[leaf.Index];
                        ports.Add(nic);
                        nic.LeafPort = "swp" + ports.Count.ToString(CultureInfo.InvariantCulture);
                    }
                }

                foreach (var leaf in rack)
                {
                    leafHosts[leaf.Index].Add(host);
                }

                members.Add(host);
                hosts.Add(host);
            }

            group.Hosts = members;
            groups.Add(group);
        }

        foreach (var leaf in net.Leaves)
        {
            leaf.HostPorts = leafPorts[leaf.Index];
            leaf.Hosts = leafHosts[leaf.Index];
        }

        net.HostGroups = groups;
        net.Hosts = hosts;
    }

    /// <summary>The racks (one leaf, or two) a group's hosts are spread over, in order.</summary>
    private static List<IReadOnlyList<Switch>> Racks(Network net, HostGroupDesign gd, HostGroup group)
    {
        var candidates = new List<Switch>();
        var unknown = new List<(string, SourceLocation)>();
        if (gd.Leaves is { } names)
        {
            for (int i = 0; i < names.Count; i++)
            {
                string n = names[i];
                var at = gd.LocationOf(string.Create(CultureInfo.InvariantCulture, $"leaves[{i}]"));
                var matched = Glob.IsGlob(n)
                    ? net.Leaves.Where(l => Glob.Matches(n, l.Name)).ToList()
                    : net.Leaves.Where(l => l.Name == n).ToList();
                if (matched.Count == 0)
                {
                    unknown.Add((n, at));
                }

                foreach (var l in matched.Where(l => !candidates.Contains(l)))
                {
                    candidates.Add(l);
                }
            }
        }
        else
        {
            candidates.AddRange(net.Leaves);
        }

        group.UnknownLeaves = unknown;
        bool pair = gd.Attach == HostAttachment.Pair || (gd.Attach == HostAttachment.Auto && net.MlagPairs.Count > 0);
        var racks = new List<IReadOnlyList<Switch>>();
        if (!pair)
        {
            racks.AddRange(candidates.Select(l => (IReadOnlyList<Switch>)[l]));
            return racks;
        }

        // MLAG pairs first where both members are candidates; the rest pair up in order (these are not MLAG pairs).
        var left = new List<Switch>();
        var done = new HashSet<Switch>();
        foreach (var l in candidates)
        {
            if (done.Contains(l))
            {
                continue;
            }

            if (l.MlagPair is { } p && candidates.Contains(p.A) && candidates.Contains(p.B))
            {
                racks.Add([p.A, p.B]);
                done.Add(p.A);
                done.Add(p.B);
            }
            else
            {
                left.Add(l);
                done.Add(l);
            }
        }

        for (int i = 0; i < left.Count; i += 2)
        {
            racks.Add(i + 1 < left.Count ? [left[i], left[i + 1]] : [left[i]]);
        }

        return racks;
    }

    private static void BuildNicsAndBonds(Host host, HostGroupDesign gd, IReadOnlyList<Switch> rack, List<Segment> segments)
    {
        var nics = new List<Nic>();
        foreach (var nd in gd.Nics)
        {
            nics.Add(new Nic { Host = host, Name = nd.Name, Index = nics.Count, Speed = nd.Speed });
        }

        var byName = nics.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var bonds = new List<Bond>();
        foreach (var bd in gd.Bonds)
        {
            var ov = gd.Overrides.FirstOrDefault(o => o.Host == host.Name && o.Bond == bd.Name);
            var bond = new Bond { Host = host, Design = bd, Mtu = ov?.Mtu ?? bd.Mtu, Override = ov };
            var members = new List<Nic>();
            for (int m = 0; m < bd.Members.Count; m++)
            {
                var nic = byName[bd.Members[m]];
                nic.Bond = bond;
                nic.Leaf = rack.Count == 0 ? null : rack[m % rack.Count];
                members.Add(nic);
            }

            bond.Members = members;
            var carried = segments.Where(s => Carries(bd, s)).ToList();
            bond.Segments = carried;
            bond.NativeVlan = bd.NativeVlan;
            bond.SwitchNativeVlan = ov?.SwitchNativeVlan ?? bd.NativeVlan;
            var removed = ov?.RemoveVlans.ToHashSet() ?? [];
            bond.TaggedVlans = carried
                .Where(s => s.Vlan is { } v && v != bd.NativeVlan && !removed.Contains(v))
                .Select(s => s.Vlan!.Value)
                .Distinct()
                .Order()
                .ToList();
            bonds.Add(bond);
        }

        foreach (var nic in nics)
        {
            var nd = gd.Nics[nic.Index];
            nic.Mtu = nd.Mtu ?? nic.Bond?.Mtu ?? Mtu.Ethernet;
            if (nic.Bond is null && rack.Count > 0)
            {
                nic.Leaf = rack[nic.Index % rack.Count];
            }
        }

        host.Nics = nics;
        host.Bonds = bonds;
    }

    /// <summary>The traffic class that puts a network on a bond.</summary>
    public static TrafficClass TrafficOf(Segment s) => s.Kind switch
    {
        NetworkKind.Localnet => TrafficClass.Vm,
        NetworkKind.Overlay => TrafficClass.Overlay,
        _ => s.Role switch
        {
            NetworkRole.Management => TrafficClass.Management,
            NetworkRole.Storage => TrafficClass.Storage,
            NetworkRole.LiveMigration => TrafficClass.LiveMigration,
            NetworkRole.Overlay => TrafficClass.Overlay,
            _ => TrafficClass.Vm,
        },
    };

    private static bool Carries(BondDesign bond, Segment s) => bond.Carries.Contains(TrafficOf(s));

    private static Segment? ChooseTunnelSegment(DesignDocument design, List<Segment> segments)
    {
        if (design.Overlay.Type == OverlayType.None)
        {
            return null;
        }

        if (design.Overlay.TunnelNetwork is string name)
        {
            return segments.First(s => s.Name == name);
        }

        return segments.FirstOrDefault(s => s.Kind == NetworkKind.HostVlan && s.Role == NetworkRole.Overlay)
            ?? segments.FirstOrDefault(s => s.Kind == NetworkKind.HostVlan && s.Role == NetworkRole.Management);
    }

    private static void AttachHostInterfaces(Network net, List<Segment> segments)
    {
        var perSegment = segments.Select(_ => new List<HostInterface>()).ToList();
        foreach (var host in net.Hosts)
        {
            var ifaces = new List<HostInterface>();
            foreach (var s in segments.Where(s => s.Kind == NetworkKind.HostVlan))
            {
                var bond = host.BondFor(TrafficOf(s));
                if (bond is null && !ReferenceEquals(s, net.TunnelSegment))
                {
                    continue;
                }

                bond ??= host.BondFor(TrafficClass.Overlay) ?? host.BondFor(TrafficClass.Management);
                string name = bond is null ? "eth0"
                    : s.Vlan is { } v && v != bond.NativeVlan ? bond.Name + "." + v.ToString()
                    : bond.Name;
                // A VLAN interface cannot be larger than its bond (Linux refuses the MTU), so the bond caps it.
                var wanted = s.Design.Mtu ?? bond?.Mtu ?? Mtu.Ethernet;
                var iface = new HostInterface { Host = host, Segment = s, Bond = bond, Name = name, Mtu = bond is not null && bond.Mtu < wanted ? bond.Mtu : wanted };
                ifaces.Add(iface);
                perSegment[s.Index].Add(iface);
                if (ReferenceEquals(s, net.TunnelSegment))
                {
                    host.TunnelEndpoint = iface;
                }
            }

            host.Interfaces = ifaces;
        }

        for (int i = 0; i < segments.Count; i++)
        {
            segments[i].HostInterfaces = perSegment[i];
        }
    }

    private static void BuildGroupsAndVms(DesignDocument design, Network net, List<Segment> segments)
    {
        var w = design.Workloads;
        var byName = segments.ToDictionary(s => s.Name, StringComparer.Ordinal);

        // VM counts: explicit groups take theirs, fixed generated groups theirs, the rest is shared evenly.
        long explicitVms = w.Groups.Where(g => g.Name is not null).Sum(g => (long)(g.Vms ?? 0));
        long fixedVms = w.Groups.Where(g => g.Pattern is not null && g.VmsPerGroup is not null).Sum(g => (long)g.VmsPerGroup!.Value * g.Count!.Value);
        long sharing = w.Groups.Where(g => g.Pattern is not null && g.VmsPerGroup is null).Sum(g => (long)g.Count!.Value);
        long remainder = Math.Max(0, (w.Vms ?? 0) - explicitVms - fixedVms);
        long share = sharing == 0 ? 0 : remainder / sharing;
        long extra = sharing == 0 ? 0 : remainder % sharing;

        var groups = new List<AppGroup>();
        var counts = new List<int>();
        long sharedSeen = 0;
        foreach (var gd in w.Groups)
        {
            if (gd.Name is not null)
            {
                groups.Add(new AppGroup(gd.Name, groups.Count, gd) { Segments = gd.Networks.Select(n => byName[n]).ToList() });
                counts.Add(gd.Vms ?? 0);
                continue;
            }

            if (!GroupPattern.TryParse(gd.Pattern!, out var pattern, out _))
            {
                throw new InvalidOperationException("the validator admits only valid group patterns");
            }

            for (int i = 0; i < gd.Count!.Value; i++)
            {
                var segs = gd.Networks.Select(n => byName[n]).ToList();
                if (gd.NetworksRoundRobin.Count > 0)
                {
                    segs.Add(byName[gd.NetworksRoundRobin[i % gd.NetworksRoundRobin.Count]]);
                }

                groups.Add(new AppGroup(pattern.Format(i + 1), groups.Count, gd) { Segments = segs });
                if (gd.VmsPerGroup is int per)
                {
                    counts.Add(per);
                }
                else
                {
                    counts.Add((int)(share + (sharedSeen < extra ? 1 : 0)));
                    sharedSeen++;
                }
            }
        }

        var hostsForVms = net.Hosts.Where(h => h.Group.RunsVms).ToList();
        int total = counts.Sum();
        var vms = new List<Vm>(total);
        var vnics = new List<Vnic>();
        var hostVms = net.Hosts.Select(_ => new List<Vm>()).ToList();
        var segVnics = segments.Select(_ => new List<Vnic>()).ToList();
        int packHost = 0;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var g = groups[gi];
            var members = new List<Vm>(counts[gi]);
            for (int i = 0; i < counts[gi]; i++)
            {
                var vm = new Vm(Names.Vm(g.Name, i), vms.Count, g);
                if (hostsForVms.Count > 0)
                {
                    Host host;
                    if (w.Placement == PlacementPolicy.Spread)
                    {
                        host = hostsForVms[vm.Index % hostsForVms.Count];
                    }
                    else
                    {
                        // Pack: fill each host to its group's max-vms (or an even share when unset) before the next.
                        while (packHost < hostsForVms.Count - 1
                               && hostVms[hostsForVms[packHost].Index].Count >= (hostsForVms[packHost].Group.Design.MaxVms ?? (int)Math.Ceiling((double)total / hostsForVms.Count)))
                        {
                            packHost++;
                        }

                        host = hostsForVms[packHost];
                    }

                    vm.Host = host;
                    hostVms[host.Index].Add(vm);
                }

                var mine = new List<Vnic>(g.Segments.Count);
                for (int slot = 0; slot < g.Segments.Count; slot++)
                {
                    var vnic = new Vnic
                    {
                        Vm = vm,
                        Segment = g.Segments[slot],
                        Index = vnics.Count,
                        Slot = slot,
                        Mac = MacAddress.LocallyAdministered(VnicMacPrefix, (uint)(vnics.Count + 1)),
                    };
                    mine.Add(vnic);
                    vnics.Add(vnic);
                    segVnics[g.Segments[slot].Index].Add(vnic);
                }

                vm.Vnics = mine;
                members.Add(vm);
                vms.Add(vm);
            }

            g.Vms = members;
        }

        foreach (var h in net.Hosts)
        {
            h.Vms = hostVms[h.Index];
        }

        for (int i = 0; i < segments.Count; i++)
        {
            segments[i].Vnics = segVnics[i];
        }

        net.Groups = groups;
        net.Vms = vms;
        net.Vnics = vnics;
    }

    private static void AddressSegments(Network net)
    {
        foreach (var s in net.Segments)
        {
            s.Mtu = s.Design.Mtu ?? (s.Kind == NetworkKind.HostVlan ? s.HostInterfaces.Select(i => i.Mtu).DefaultIfEmpty(Mtu.Ethernet).Min() : Mtu.Ethernet);
            if (s.Ipv4 is { } p4)
            {
                var alloc = new Allocator(p4, s.Gateway4!, s.Design.Reserved);
                s.CapacityV4 = alloc.Capacity;
                foreach (var i in s.HostInterfaces)
                {
                    i.V4 = alloc.Next();
                }

                foreach (var v in s.Vnics)
                {
                    v.V4 = alloc.Next();
                }

                s.UnaddressedV4 = alloc.Missed;
            }

            if (s.Ipv6 is { } p6)
            {
                var alloc = new Allocator(p6, s.Gateway6!, s.Design.Reserved);
                s.CapacityV6 = alloc.Capacity;
                foreach (var i in s.HostInterfaces)
                {
                    i.V6 = alloc.Next();
                }

                foreach (var v in s.Vnics)
                {
                    v.V6 = alloc.Next();
                }

                s.UnaddressedV6 = alloc.Missed;
            }
        }
    }

    /// <summary>Hands out host addresses in order, skipping the network address, the gateway, the reserved block and the IPv4 broadcast.</summary>
    private sealed class Allocator
    {
        private readonly IPNetwork prefix;
        private readonly UInt128 gatewayOffset;
        private readonly UInt128 lastOffset;
        private UInt128 next;

        public Allocator(IPNetwork prefix, IPAddress gateway, int reserved)
        {
            this.prefix = prefix;
            gatewayOffset = IpMath.ToUInt128(gateway) - prefix.First();
            bool v4 = prefix.IsV4();
            UInt128 size = prefix.Size();
            bool tiny = v4 && prefix.PrefixLength >= 31;
            lastOffset = tiny ? size - 1 : v4 ? size - 2 : size - 1;
            UInt128 firstOffset = tiny ? UInt128.Zero : UInt128.One;
            UInt128 usable = lastOffset >= firstOffset ? lastOffset - firstOffset + 1 : 0;

            // Skip the reserved block: the first 'reserved' usable addresses that are not the gateway.
            next = firstOffset;
            int skipped = 0;
            while (skipped < reserved && next <= lastOffset)
            {
                if (next != gatewayOffset)
                {
                    skipped++;
                }

                next++;
            }

            UInt128 taken = (UInt128)skipped + (gatewayOffset >= firstOffset && gatewayOffset <= lastOffset ? UInt128.One : UInt128.Zero);
            Capacity = usable > taken ? usable - taken : UInt128.Zero;
        }

        public UInt128 Capacity { get; }

        public int Missed { get; private set; }

        public IPAddress? Next()
        {
            if (next == gatewayOffset)
            {
                next++;
            }

            if (next > lastOffset)
            {
                Missed++;
                return null;
            }

            return prefix.Nth(next++);
        }
    }

    private static void BuildLoadBalancer(DesignDocument design, Network net, List<DesignError> errors)
    {
        if (design.LoadBalancer is not { } lb)
        {
            return;
        }

        var speakerGroup = lb.Speakers is string name
            ? net.HostGroups.First(g => g.Name == name)
            : net.HostGroups.FirstOrDefault(g => g.RunsVms) ?? (net.HostGroups.Count > 0 ? net.HostGroups[0] : null);
        var speakers = speakerGroup?.Hosts ?? [];
        foreach (var h in speakers)
        {
            h.IsSpeaker = true;
        }

        var v4 = lb.Pools.SelectMany(p => p.Addresses).Where(p => p.IsV4()).ToList();
        var v6 = lb.Pools.SelectMany(p => p.Addresses).Where(p => !p.IsV4()).ToList();
        var services = new List<LbService>();
        UInt128 room4 = v4.Aggregate(UInt128.Zero, (a, p) => a + p.Size());
        UInt128 room6 = v6.Aggregate(UInt128.Zero, (a, p) => a + p.Size());
        if (v4.Count > 0 && room4 < (UInt128)lb.Services)
        {
            errors.Add(new DesignError(lb.LocationOf("services"), string.Create(CultureInfo.InvariantCulture, $"{lb.Services} services need {lb.Services} IPv4 VIPs; the pools hold {room4}"), "more pool addresses or fewer services"));
        }

        for (int i = 0; i < lb.Services; i++)
        {
            var endpoints = new List<Host>();
            for (int e = 0; e < Math.Min(lb.EndpointsPerService, speakers.Count); e++)
            {
                var h = speakers[((i * lb.EndpointsPerService) + e) % speakers.Count];
                if (!endpoints.Contains(h))
                {
                    endpoints.Add(h);
                }
            }

            services.Add(new LbService
            {
                Name = "svc-" + Names.Pad(i + 1, 4),
                VipV4 = v4.Count > 0 && (UInt128)i < room4 ? Pick(v4, (UInt128)i) : null,
                VipV6 = v6.Count > 0 && (UInt128)i < room6 ? Pick(v6, (UInt128)i) : null,
                Endpoints = endpoints,
            });
        }

        net.LoadBalancer = new LoadBalancer { Design = lb, Speakers = speakers, Services = services };
    }

    private static IPAddress Pick(List<IPNetwork> prefixes, UInt128 index)
    {
        foreach (var p in prefixes)
        {
            if (index < p.Size())
            {
                return p.Nth(index);
            }

            index -= p.Size();
        }

        throw new InvalidOperationException("VIP index beyond the pools");
    }
}
