using System.Globalization;
using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bonding;

/// <summary>
/// Bonding modes against the fabric, hash policies against the design's traffic, MTU, monitoring and failover.
/// Findings that hold for many hosts of one group and bond are reported once, with the count of hosts and the worst
/// host's numbers.
/// </summary>
public sealed class BondChecks : ICheck
{
    public static readonly Rule LacpAcrossUnpairedLeaves = new(
        "BOND001", Foundation.Bonding, Severity.Error,
        "802.3ad bond on two leaves that are not an MLAG pair",
        "An LACP aggregation needs one partner system: one switch, or an MLAG pair presenting one system id. Members cabled to two independent leaves see two partners, so the bond forms two aggregators and, with ad_select=stable, transmits on one of them only: half the bandwidth, and no spread at all.",
        "Cable the bond's members to the two leaves of one MLAG pair (fabric.mlag or fabric.mlag-pairs), or use active-backup or balance-tlb, which need nothing from the switches.");

    public static readonly Rule AlbWithFirstHopSecurity = new(
        "BOND002", Foundation.Bonding, Severity.Warning,
        "balance-alb/tlb on leaves that enforce ARP inspection or port security",
        "balance-tlb rewrites the source MAC of frames it sends on non-active members to that member's MAC, and balance-alb also answers ARP for the host's address with a different member MAC per peer. Dynamic ARP inspection binds one MAC to each IP and drops the rest; port security pins and counts source MACs. Both see one host address behind several MACs and drop or shut the port.",
        "Use 802.3ad on an MLAG pair (one MAC for the bond), or active-backup, or disable DAI/port security on the host ports.");

    public static readonly Rule Layer2HashOnVmBond = new(
        "BOND003", Foundation.Bonding, Severity.Warning,
        "layer2 or layer2+3 hash on a bond that carries VM traffic",
        "layer2 hashes only the last byte of the two MACs and the EtherType, layer2+3 adds the IP addresses. Tunnelled VM traffic has the same outer MACs and addresses for every VM between two hosts, and bridged VM traffic goes to one gateway MAC: large groups of flows land on one member while the other idles.",
        "Use xmit-hash-policy layer3+4 (or encap3+4), which adds the ports and, for tunnels, the source port that carries each inner flow's entropy.");

    public static readonly Rule MtuMismatch = new(
        "BOND004", Foundation.Bonding, Severity.Error,
        "Bond MTU differs from its members' or is below its VLANs'",
        "The bond's MTU is applied to every member when it is enslaved; a member configured with another MTU is reset on every reconfiguration and disagrees with what the switch port expects. A VLAN interface cannot be larger than the bond under it (the kernel refuses), and bridged VM frames larger than the bond's MTU are dropped.",
        "Give the NICs the bond's MTU (or leave their mtu unset), and keep every VLAN on the bond at or below its MTU.");

    public static readonly Rule RoundRobinAcrossSwitches = new(
        "BOND005", Foundation.Bonding, Severity.Warning,
        "balance-rr across two switches",
        "balance-rr sprays consecutive packets of one flow over the members. Over two switches the packets take paths of different latency and arrive out of order; TCP answers reordering with duplicate ACKs and fast retransmits, and a single flow often runs slower than on one link.",
        "Use 802.3ad with layer3+4 on an MLAG pair (one flow stays on one member), or balance-tlb/active-backup.");

    public static readonly Rule PerFlowCap = new(
        "BOND006", Foundation.Bonding, Severity.Info,
        "A single storage or migration flow wants more than one member's speed",
        "Hash-based modes keep a flow on one member, so one TCP connection never exceeds one member's speed however many members the bond has. A live migration over one connection, or a storage replication stream, is capped there.",
        "Use more connections (parallel migration, storage multi-connection), faster members, or accept the figures in the finding.");

    public static readonly Rule SlowLacpOnStorage = new(
        "BOND007", Foundation.Bonding, Severity.Warning,
        "lacp-rate slow on a bond that carries storage",
        "miimon sees only carrier loss. When a member stays up but stops passing frames (a hung line card, a one-way fibre, a misprogrammed switch port), only LACP notices: the partner's LACPDUs stop, and the port times out after 3 of their periods, 90 s with lacp-rate slow (one per 30 s) instead of 3 s with fast. Storage I/O on the flows hashed to that member stalls for the whole time, beyond Ceph's 20 s heartbeat grace and most I/O timeouts.",
        "Set lacp-rate: fast on bonds that carry storage (and on the switch side).");

    public static readonly Rule NoTunnelEntropy = new(
        "BOND008", Foundation.Bonding, Severity.Warning,
        "Tunnel traffic without source-port entropy on a layer3+4 bond",
        "A layer3+4 bond spreads tunnel traffic only through the outer UDP source port. When the tunnel endpoints do not put a hash of the inner flow there, all traffic between two hosts has one outer 5-tuple and lands on one member, whatever the VMs do.",
        "Enable source-port entropy on the tunnel endpoints, or expect per-host-pair traffic to be limited to one member.");

    public static readonly Rule NoLinkMonitoring = new(
        "BOND009", Foundation.Bonding, Severity.Error,
        "Bond without link monitoring",
        "With miimon 0 and no ARP monitor the bond never takes a failed member out: frames keep going to it and are lost until someone intervenes.",
        "Set miimon (100ms is usual) or arp-interval with arp-ip-targets.");

    public static readonly Rule StaticLagAcrossUnpairedLeaves = new(
        "BOND010", Foundation.Bonding, Severity.Error,
        "Static-LAG bond mode on two leaves that are not an MLAG pair",
        "balance-xor, balance-rr and broadcast send one MAC out of several ports and expect the switch side to treat them as one static LAG. Two independent leaves each see the host's MAC move between their port and the rest of the fabric, and broadcast and unknown-unicast frames loop back to the host.",
        "Cable the members to one MLAG pair, or use active-backup or balance-tlb.");

    public static readonly Rule UnknownGatewayHost = new(
        "BOND011", Foundation.Bonding, Severity.Error,
        "overlay.gateway-hosts names no host",
        "North-south overlay traffic is tunnelled to the gateway hosts; a name that matches no host leaves dcnet (and probably the platform) without the gateway you meant.",
        "Name hosts that exist (host group name and a 3-digit number, or a glob).");

    public IReadOnlyList<Rule> Rules =>
        [LacpAcrossUnpairedLeaves, AlbWithFirstHopSecurity, Layer2HashOnVmBond, MtuMismatch, RoundRobinAcrossSwitches, PerFlowCap, SlowLacpOnStorage, NoTunnelEntropy, NoLinkMonitoring, StaticLagAcrossUnpairedLeaves, UnknownGatewayHost];

    private static string N(double v, string f = "0") => v.ToString(f, CultureInfo.InvariantCulture);

    private static string Shares(IEnumerable<double> s) => string.Join(" / ", s.Select(x => N(x * 100, "0.#") + " %"));

    public IEnumerable<Finding> Run(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var findings = new List<Finding>();
        var groups = network.Hosts.SelectMany(h => h.Bonds).GroupBy(b => (b.Host.Group, b.Name)).ToList();
        TrafficModel? model = null;
        TrafficModel Model() => model ??= TrafficModel.Build(network);
        foreach (var g in groups)
        {
            var bonds = g.ToList();
            var first = bonds[0];
            var bd = first.Design;
            string label = $"{g.Key.Name} of {Hosts(bonds)}";
            Unpaired(findings, bonds, label);
            Alb(findings, bonds, label);
            Mtu(findings, bonds, label);
            RoundRobin(findings, bonds, label);
            Monitoring(findings, bonds, label);
            if (bd.Mode == BondMode.Lacp && bd.LacpRate == LacpRate.Slow && bd.Carries.Contains(TrafficClass.Storage))
            {
                var fo = Failover.Estimate(network, first);
                findings.Add(new Finding
                {
                    Rule = SlowLacpOnStorage,
                    Severity = Severity.Warning,
                    Message = string.Create(CultureInfo.InvariantCulture, $"bond {label} carries storage with lacp-rate slow: a member that fails silently is taken out only after 90 s (3 x 30 s LACPDU period), 87 s later than with fast; meanwhile the storage flows hashed to it (about {fo.AffectedShare:P0}) stall"),
                    Objects = [.. bonds.Select(b => b.FullName).Take(20)],
                    Location = bd.LocationOf("lacp-rate"),
                    Fix = "Set lacp-rate: fast on " + g.Key.Name + " and on the switch ports.",
                });
            }
        }

        var m = Model();
        foreach (var (name, at) in m.UnknownGatewayHosts)
        {
            findings.Add(new Finding
            {
                Rule = UnknownGatewayHost,
                Severity = Severity.Error,
                Message = $"overlay.gateway-hosts names '{name}', which matches no host",
                Objects = [name],
                Location = at,
            });
        }

        foreach (var g in groups.Where(g => NeedsModel(g.First())))
        {
            var loads = g.Select(b => BondBalance.Analyze(b, m.FlowsOf(b))).ToList();
            Layer2Hash(findings, g.ToList(), loads, m);
            FlowCap(findings, network, loads);
            Entropy(findings, network, g.ToList(), loads, m);
        }

        return findings;
    }

    private static bool NeedsModel(Bond b) => b.Members.Count > 1;

    private static string Hosts(IReadOnlyList<Bond> bonds) => bonds.Count == 1
        ? bonds[0].Host.Name
        : string.Create(CultureInfo.InvariantCulture, $"{bonds.Count} hosts in '{bonds[0].Host.Group.Name}'");

    private static IEnumerable<Switch> LeavesOf(Bond b) => b.Members.Select(m => m.Leaf).OfType<Switch>().Distinct();

    private static void Unpaired(List<Finding> findings, IReadOnlyList<Bond> bonds, string label)
    {
        var bad = bonds.Where(b => BondSelector.Aggregators(b).Count > 1 && LeavesOf(b).Count() > 1).ToList();
        if (bad.Count == 0)
        {
            return;
        }

        var e = bad[0];
        var bd = e.Design;
        string where = string.Join(", ", e.Members.Select(m => $"{m.Name} on {m.Leaf?.Name ?? "no leaf"}"));
        if (bd.Mode == BondMode.Lacp)
        {
            var usable = BondSelector.UsableMembers(e);
            double used = usable.Sum(m => (double)m.Speed.BitsPerSecond), all = e.Members.Sum(m => (double)m.Speed.BitsPerSecond);
            findings.Add(new Finding
            {
                Rule = LacpAcrossUnpairedLeaves,
                Severity = Severity.Error,
                Message = string.Create(CultureInfo.InvariantCulture, $"802.3ad bond {label}: {Count(bad)} have members on leaves that are not an MLAG pair (e.g. {e.Host.Name}: {where}); each forms {BondSelector.Aggregators(e).Count} aggregators and transmits on {usable.Count} of {e.Members.Count} members: {BondsReport.Rate(used)} of {BondsReport.Rate(all)}"),
                Objects = [.. bad.Select(b => b.FullName).Take(20)],
                Location = bd.LocationOf("members"),
            });
        }
        else if (bd.Mode is BondMode.BalanceXor or BondMode.BalanceRr or BondMode.Broadcast)
        {
            findings.Add(new Finding
            {
                Rule = StaticLagAcrossUnpairedLeaves,
                Severity = Severity.Error,
                Message = $"{Tokens.Of(bd.Mode)} bond {label}: {Count(bad)} have members on leaves that are not an MLAG pair (e.g. {e.Host.Name}: {where}); a static LAG cannot span independent switches",
                Objects = [.. bad.Select(b => b.FullName).Take(20)],
                Location = bd.LocationOf("mode"),
            });
        }
    }

    private static string Count(IReadOnlyList<Bond> bad) => bad.Count == 1 ? "1 host" : string.Create(CultureInfo.InvariantCulture, $"{bad.Count} hosts");

    private static void Alb(List<Finding> findings, IReadOnlyList<Bond> bonds, string label)
    {
        var bd = bonds[0].Design;
        var hp = bonds[0].Host.Group.Design.SwitchPorts;
        if (bd.Mode is not (BondMode.BalanceAlb or BondMode.BalanceTlb) || !(hp.DynamicArpInspection || hp.PortSecurity) || bonds[0].Members.Count < 2)
        {
            return;
        }

        string what = hp.DynamicArpInspection && hp.PortSecurity ? "dynamic ARP inspection and port security" : hp.DynamicArpInspection ? "dynamic ARP inspection" : "port security";
        string key = hp.DynamicArpInspection ? "dynamic-arp-inspection" : "port-security";
        var e = bonds[0];
        findings.Add(new Finding
        {
            Rule = AlbWithFirstHopSecurity,
            Severity = Severity.Warning,
            Message = string.Create(CultureInfo.InvariantCulture, $"{Tokens.Of(bd.Mode)} bond {label} sends from {e.Members.Count} member MACs ({string.Join(", ", e.Members.Select(m => MacPlan.Of(m).ToString()))} on {e.Host.Name}) for one host address, while the leaves enforce {what}"),
            Objects = [.. bonds.Select(b => b.FullName).Take(20)],
            Location = hp.LocationOf(key),
        });
    }

    private static void Mtu(List<Finding> findings, IReadOnlyList<Bond> bonds, string label)
    {
        var members = new List<(Bond Bond, Nic Nic)>();
        var vlans = new List<(Bond Bond, string What, int Mtu)>();
        foreach (var b in bonds)
        {
            members.AddRange(b.Members.Where(n => n.Mtu != b.Mtu).Select(n => (b, n)));
            foreach (var s in b.Segments)
            {
                // The MTU the design asks of the VLAN interface: the resolved interface is capped at the bond's, as Linux caps it.
                int mtu = s.Kind == NetworkKind.HostVlan ? s.Design.Mtu?.Bytes ?? 0
                    : s.Kind == NetworkKind.Localnet ? s.Mtu.Bytes : 0;
                if (mtu > b.Mtu.Bytes)
                {
                    vlans.Add((b, (s.Kind == NetworkKind.HostVlan ? "host VLAN " : "VM VLAN ") + s.Name + (s.Vlan is { } v ? " (vlan " + v.ToString() + ")" : ""), mtu));
                }
            }
        }

        if (members.Count > 0)
        {
            var (b, nic) = members[0];
            var nd = b.Host.Group.Design.Nics.First(n => n.Name == nic.Name);
            int hosts = members.Select(m => m.Bond).Distinct().Count();
            findings.Add(new Finding
            {
                Rule = MtuMismatch,
                Severity = Severity.Error,
                Message = string.Create(CultureInfo.InvariantCulture, $"bond {label}: {hosts} host(s) have members whose MTU differs from the bond's (e.g. {nic.FullName} MTU {nic.Mtu}, {b.FullName} MTU {b.Mtu})"),
                Objects = [.. members.Select(m => m.Nic.FullName).Distinct().Take(20)],
                Location = b.Override is { } ov && ov.Has("mtu") ? ov.LocationOf("mtu") : nd.LocationOf("mtu"),
            });
        }

        foreach (var group in vlans.GroupBy(v => v.What))
        {
            var (b, what, mtu) = group.First();
            int hosts = group.Select(v => v.Bond).Distinct().Count();
            findings.Add(new Finding
            {
                Rule = MtuMismatch,
                Severity = Severity.Error,
                Message = string.Create(CultureInfo.InvariantCulture, $"bond {label}: {what} has MTU {mtu}, above the bond's {b.Mtu} on {hosts} host(s) (e.g. {b.FullName}); frames over {b.Mtu} bytes cannot leave"),
                Objects = [.. group.Select(v => v.Bond.FullName).Distinct().Take(20)],
                Location = b.Override is { } ov && ov.Has("mtu") ? ov.LocationOf("mtu") : b.Design.LocationOf("mtu"),
            });
        }
    }

    private static void RoundRobin(List<Finding> findings, IReadOnlyList<Bond> bonds, string label)
    {
        if (bonds[0].Design.Mode != BondMode.BalanceRr)
        {
            return;
        }

        var across = bonds.Where(b => LeavesOf(b).Count() > 1).ToList();
        if (across.Count == 0)
        {
            return;
        }

        var e = across[0];
        findings.Add(new Finding
        {
            Rule = RoundRobinAcrossSwitches,
            Severity = Severity.Warning,
            Message = $"balance-rr bond {label} sprays each flow over {e.Members.Count} members on {string.Join(" and ", LeavesOf(e).Select(l => l.Name))} (e.g. {e.Host.Name}): packets of one flow take different switches and arrive out of order",
            Objects = [.. across.Select(b => b.FullName).Take(20)],
            Location = e.Design.LocationOf("mode"),
        });
    }

    private static void Monitoring(List<Finding> findings, IReadOnlyList<Bond> bonds, string label)
    {
        var bd = bonds[0].Design;
        if (bd.Miimon > TimeSpan.Zero || (bd.ArpInterval > TimeSpan.Zero && bd.ArpIpTargets.Count > 0) || bonds[0].Members.Count < 2)
        {
            return;
        }

        findings.Add(new Finding
        {
            Rule = NoLinkMonitoring,
            Severity = Severity.Error,
            Message = string.Create(CultureInfo.InvariantCulture, $"bond {label} has miimon 0 and no ARP monitor{(bd.ArpInterval > TimeSpan.Zero ? " (arp-interval is set but arp-ip-targets is empty)" : "")}: a failed member keeps receiving about 1/{bonds[0].Members.Count} of the flows, which are lost"),
            Objects = [.. bonds.Select(b => b.FullName).Take(20)],
            Location = bd.LocationOf("miimon"),
        });
    }

    private static void Layer2Hash(List<Finding> findings, IReadOnlyList<Bond> bonds, IReadOnlyList<BondLoad> loads, TrafficModel model)
    {
        var bd = bonds[0].Design;
        bool hashed = BondModes.HashesModulo(bd.Mode) || (bd.Mode == BondMode.BalanceTlb && !bd.TlbDynamicLb);
        if (!hashed || bd.XmitHashPolicy is not (XmitHashPolicy.Layer2 or XmitHashPolicy.Layer23)
            || !(bd.Carries.Contains(TrafficClass.Vm) || bd.Carries.Contains(TrafficClass.Overlay)))
        {
            return;
        }

        var vm = loads.Where(l => l.FlowCount > 0 && (l.Bond.Host.Vms.Count > 0 || model.GatewayHosts.Contains(l.Bond.Host))).ToList();
        if (vm.Count == 0)
        {
            return;
        }

        var worst = vm.OrderByDescending(l => l.FlowImbalance).ThenBy(l => l.Bond.Host.Index).First();
        var alt = BondBalance.Analyze(Rehashed(worst.Bond), model.FlowsOf(worst.Bond), BondSelector.UsableMembers(worst.Bond));
        double mean = vm.Average(l => l.FlowImbalance);
        findings.Add(new Finding
        {
            Rule = Layer2HashOnVmBond,
            Severity = Severity.Warning,
            Message = string.Create(CultureInfo.InvariantCulture,
                $"{Tokens.Of(bd.XmitHashPolicy)} on bond {bd.Name} of {Hosts(bonds)}, which carries VM traffic: {worst.Bond.FullName} puts its {worst.FlowCount} flows {Shares(worst.FlowShares)} on its members (imbalance {N(worst.FlowImbalance, "0.00")}, mean over {vm.Count} host(s) {N(mean, "0.00")}); with layer3+4 the same flows would go {Shares(alt.FlowShares)} (imbalance {N(alt.FlowImbalance, "0.00")})"),
            Objects = [.. vm.OrderByDescending(l => l.FlowImbalance).Select(l => l.Bond.FullName).Take(20)],
            Location = bd.LocationOf("xmit-hash-policy"),
        });
    }

    private static Bond Rehashed(Bond bond) => new()
    {
        Host = bond.Host,
        Design = bond.Design with { XmitHashPolicy = XmitHashPolicy.Layer34 },
        Members = bond.Members,
        Mtu = bond.Mtu,
    };

    private static void FlowCap(List<Finding> findings, Network network, IReadOnlyList<BondLoad> loads)
    {
        var capped = loads.Where(l => l.Worst is { Capped: true } w && w.Flow.Kind is TrafficKind.Storage or TrafficKind.LiveMigration).ToList();
        if (capped.Count == 0)
        {
            return;
        }

        var e = capped.OrderByDescending(l => l.Worst!.Flow.BitsPerSecond - l.Worst.CappedBitsPerSecond).ThenBy(l => l.Bond.Host.Index).First();
        var w = e.Worst!;
        var bd = e.Bond.Design;
        string extra = "";
        var profile = network.Design.TrafficProfile;
        if (w.Flow.Kind == TrafficKind.LiveMigration)
        {
            double bytes = profile.LiveMigration.VmMemoryGib * 1024.0 * 1024 * 1024 * 8;
            double want = w.Flow.BitsPerSecond * profile.LiveMigration.Streams;
            double have = w.CappedBitsPerSecond * profile.LiveMigration.Streams;
            extra = string.Create(CultureInfo.InvariantCulture, $"; copying a {profile.LiveMigration.VmMemoryGib} GiB VM once takes {N(bytes / have, "0.0")} s instead of {N(bytes / want, "0.0")} s (more with dirtied pages)");
        }

        findings.Add(new Finding
        {
            Rule = PerFlowCap,
            Severity = Severity.Info,
            Message = string.Create(CultureInfo.InvariantCulture,
                $"bond {bd.Name} of {Hosts(capped.Select(c => c.Bond).ToList())}: a single {Tokens.Of(w.Flow.Kind)} flow ({w.Flow.From} -> {w.Flow.To}) wants {BondsReport.Rate(w.Flow.BitsPerSecond)}, but {Tokens.Of(bd.Mode)} keeps it on one {w.Member?.Speed.ToString() ?? "?"} member: {BondsReport.Rate(w.CappedBitsPerSecond)} of the bond's {BondsReport.Rate(e.Bond.Members.Sum(m => (double)m.Speed.BitsPerSecond))}{extra}"),
            Objects = [.. capped.Select(c => c.Bond.FullName).Take(20)],
            Location = w.Flow.Kind == TrafficKind.LiveMigration
                ? (profile.LiveMigration.Has("streams") ? profile.LiveMigration.LocationOf("streams") : bd.LocationOf("carries"))
                : (profile.Storage.Has("connections-per-peer") ? profile.Storage.LocationOf("connections-per-peer") : bd.LocationOf("carries")),
        });
    }

    private static void Entropy(List<Finding> findings, Network network, IReadOnlyList<Bond> bonds, IReadOnlyList<BondLoad> loads, TrafficModel model)
    {
        var bd = bonds[0].Design;
        if (model.SourcePortEntropy || network.Design.Overlay.Type == OverlayType.None || !bd.Carries.Contains(TrafficClass.Overlay)
            || !BondModes.HashesModulo(bd.Mode) || bd.XmitHashPolicy is not (XmitHashPolicy.Layer34 or XmitHashPolicy.Encap34))
        {
            return;
        }

        var tunnelled = loads.Select(l => (Load: l, Flows: model.FlowsOf(l.Bond).Where(f => f.Tunnelled).ToList())).Where(x => x.Flows.Count > 0).ToList();
        if (tunnelled.Count == 0)
        {
            return;
        }

        var (load, flows) = tunnelled.OrderByDescending(x => x.Flows.Count).First();
        string why = network.Design.Overlay.SourcePortEntropy is null
            ? "on " + Platforms.PlatformNames.Display(network.Design.Platform) + ": " + OverlayEntropy.Source(network.Design.Platform)
            : "overlay.source-port-entropy: false";
        var only = BondBalance.Analyze(load.Bond, flows);
        int pairs = flows.Select(f => f.To).Distinct(StringComparer.Ordinal).Count();
        findings.Add(new Finding
        {
            Rule = NoTunnelEntropy,
            Severity = Severity.Warning,
            Message = string.Create(CultureInfo.InvariantCulture,
                $"bond {bd.Name} of {Hosts(bonds)} hashes tunnel traffic with {Tokens.Of(bd.XmitHashPolicy)}, but the tunnel source port carries no entropy ({why}): {load.Bond.FullName} places its {flows.Count} tunnelled flows {Shares(only.FlowShares)}, each peer's traffic on a single member"),
            Objects = [.. tunnelled.Select(x => x.Load.Bond.FullName).Take(20)],
            Location = network.Design.Overlay.Has("source-port-entropy") ? network.Design.Overlay.LocationOf("source-port-entropy") : network.Design.LocationOf("platform"),
            Fix = pairs > 0 ? "Enable per-flow source ports on the tunnel endpoints and set overlay.source-port-entropy: true, or size each host pair's traffic for one member." : null,
        });
    }
}
