using System.Globalization;
using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.PathMtu;

/// <summary>MTU and overlay overhead, each finding with its byte arithmetic.</summary>
public sealed class MtuChecks : ICheck
{
    public static readonly Rule OverlayTooSmall = new(
        "MTU001", Foundation.Mtu, Severity.Error,
        "VM network MTU larger than what the overlay leaves",
        "Encapsulation takes bytes from the underlay MTU: GENEVE over IPv4 with OVN's 8-byte option costs 58 B, VXLAN over IPv4 50 B, an IPv6 outer header 20 B more. A VM whose MTU is larger sends frames the tunnel endpoint cannot carry; they are dropped without ICMP, so large transfers stall while pings work.",
        "Raise the underlay (tunnel network and bonds) MTU, or lower the VM network MTU to what is left.");

    public static readonly Rule SwitchPortTooSmall = new(
        "MTU002", Foundation.Mtu, Severity.Error,
        "Switch port MTU smaller than the largest frame crossing it",
        "A switch drops frames above its port MTU silently. Host-facing ports must carry the hosts' largest frames; fabric links carry those frames again inside EVPN-VXLAN (50 B more) when VLANs are stretched across leaves.",
        "Raise fabric.port-mtu (9216 is usual) or lower the host MTUs.");

    public static readonly Rule InconsistentMtu = new(
        "MTU003", Foundation.Mtu, Severity.Error,
        "MTU inconsistent along a path",
        "Along a path (VM, bridge, bond, member NIC, switch, peer) every element must carry the largest packet the one before it sends. Two hosts on one L2 network with different MTUs drop each other's large packets silently; a member NIC or VLAN larger than its bond is BOND004.",
        "Use one MTU per network and make bonds and NICs at least as large.");

    public static readonly Rule NoJumboForBulk = new(
        "MTU004", Foundation.Mtu, Severity.Warning,
        "Storage or live-migration network without jumbo frames",
        "Bulk traffic at MTU 1500 needs six times the packets of MTU 9000: more interrupts, more header bytes, lower throughput per core for storage replication and live migration.",
        "Give storage and live-migration networks (and their bonds and switch ports) MTU 9000.");

    public static readonly Rule PmtudBlackHole = new(
        "MTU005", Foundation.Mtu, Severity.Warning,
        "ICMP too-big filtered where paths need PMTUD",
        "When a router cannot forward a packet with DF set it answers with ICMP fragmentation-needed (or ICMPv6 Packet Too Big). If that ICMP is filtered, the sender never learns the smaller MTU: connections establish, then hang on large transfers.",
        "Allow ICMP type 3 code 4 and ICMPv6 type 2 everywhere (RFC 4890), or clamp TCP MSS where the MTU steps down.");

    public IReadOnlyList<Rule> Rules => [OverlayTooSmall, SwitchPortTooSmall, InconsistentMtu, NoJumboForBulk, PmtudBlackHole];

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    public IEnumerable<Finding> Run(Network network) =>
        Overlay(network).Concat(SwitchPorts(network)).Concat(Consistency(network)).Concat(Jumbo(network)).Concat(BlackHoles(network));

    /// <summary>The arithmetic of one encapsulation, term by term.</summary>
    public static string Arithmetic(OverlayDesign o)
    {
        string ip = o.UnderlayFamily == IpFamily.Ipv6 ? "outer IPv6 40" : "outer IPv4 20";
        return o.Type == OverlayType.Vxlan
            ? $"inner Ethernet 14 + {ip} + UDP 8 + VXLAN 8 = {I(Overhead.Encapsulation(o))}"
            : $"inner Ethernet 14 + {ip} + UDP 8 + GENEVE 8 + options {I(o.GeneveOptionBytes)} = {I(Overhead.Encapsulation(o))}";
    }

    private static IEnumerable<Finding> Overlay(Network network)
    {
        var o = network.Design.Overlay;
        if (o.Type == OverlayType.None || network.TunnelSegment is null)
        {
            yield break;
        }

        var teps = network.Hosts.Where(h => h.TunnelEndpoint is not null).Select(h => h.TunnelEndpoint!).ToList();
        if (teps.Count == 0)
        {
            yield break;
        }

        var smallest = teps.MinBy(t => t.Mtu.Bytes)!;
        int underlay = smallest.Mtu.Bytes;
        int overhead = Overhead.Encapsulation(o);
        int left = underlay - overhead;
        foreach (var s in network.Segments.Where(s => s.Kind == NetworkKind.Overlay))
        {
            if (s.Mtu.Bytes <= left)
            {
                continue;
            }

            var vms = s.Vnics.Select(v => v.Vm.Name).Distinct().ToList();
            yield return new Finding
            {
                Rule = OverlayTooSmall,
                Severity = Severity.Error,
                Message = $"network '{s.Name}' has MTU {I(s.Mtu.Bytes)}, but {Tokens.Of(o.Type).ToUpperInvariant()} over the {I(underlay)}-byte underlay ({smallest.Host.Name}/{smallest.Name} on '{network.TunnelSegment.Name}') leaves {I(underlay)} - {I(overhead)} = {I(left)} ({Arithmetic(o)}); {N(vms.Count)} VMs send packets up to {I(s.Mtu.Bytes - left)} bytes too big" + (vms.Count > 0 ? " (" + string.Join(", ", vms.Take(3)) + (vms.Count > 3 ? ", ..." : "") + ")" : ""),
                Objects = [s.Name, .. vms.Take(20)],
                Location = s.Design.Has("mtu") ? s.Design.LocationOf("mtu") : s.Design.Location,
                Fix = $"Set the tunnel network and bond MTU to at least {I(s.Mtu.Bytes + overhead)}, or set '{s.Name}' mtu to {I(left)}.",
            };
        }
    }

    private static IEnumerable<Finding> SwitchPorts(Network network)
    {
        var f = network.Design.Fabric;
        foreach (var leaf in network.Leaves)
        {
            foreach (var nic in leaf.HostPorts)
            {
                int frame = nic.Bond?.Mtu.Bytes ?? nic.Mtu.Bytes;
                if (frame > leaf.PortMtu.Bytes)
                {
                    yield return new Finding
                    {
                        Rule = SwitchPortTooSmall,
                        Severity = Severity.Error,
                        Message = $"{leaf.Name} {nic.LeafPort} (MTU {I(leaf.PortMtu.Bytes)}) faces {nic.FullName}, which sends {I(frame)}-byte packets: the switch drops everything above {I(leaf.PortMtu.Bytes)}",
                        Objects = [leaf.Name + "/" + nic.LeafPort, nic.FullName],
                        Location = f.LocationOf("port-mtu"),
                    };
                    break; // one finding per leaf is enough to fix it
                }
            }
        }

        // Stretched VLANs cross the fabric inside EVPN-VXLAN.
        var stretched = network.Segments.Where(s => s.Vlan is not null && Leaves(s).Count() > 1).ToList();
        if (stretched.Count > 0 && network.FabricLinks.Count > 0)
        {
            var widest = stretched.MaxBy(s => LargestOn(s))!;
            int inner = LargestOn(widest);
            int needed = inner + Overhead.EvpnVxlan;
            var link = network.FabricLinks[0];
            if (needed > link.Mtu.Bytes)
            {
                yield return new Finding
                {
                    Rule = SwitchPortTooSmall,
                    Severity = Severity.Error,
                    Message = $"fabric links (e.g. {link.Leaf.Name} {link.LeafInterface} - {link.Spine.Name} {link.SpineInterface}) have MTU {I(link.Mtu.Bytes)}, but '{widest.Name}' (VLAN {widest.Vlan}) is stretched across leaves by EVPN-VXLAN: {I(inner)} + 50 (inner Ethernet 14 + outer IPv4 20 + UDP 8 + VXLAN 8) = {I(needed)} bytes",
                    Objects = [link.Name, widest.Name],
                    Location = f.LocationOf("port-mtu"),
                    Fix = $"Set fabric.port-mtu to at least {I(needed)} (9216 is usual).",
                };
            }
        }
    }

    private static IEnumerable<Switch> Leaves(Segment s) =>
        s.HostInterfaces.SelectMany(i => i.Host.Leaves).Concat(s.Vnics.Where(v => v.Vm.Host is not null).SelectMany(v => v.Vm.Host!.Leaves)).Distinct();

    private static int LargestOn(Segment s) =>
        Math.Max(s.Mtu.Bytes, s.HostInterfaces.Select(i => i.Mtu.Bytes).DefaultIfEmpty(0).Max());

    private static IEnumerable<Finding> Consistency(Network network)
    {
        // A member or a VLAN above its bond is the bonding rule's (BOND004); this rule covers peers on one segment.
        foreach (var s in network.Segments.Where(s => s.HostInterfaces.Count > 1))
        {
            var byMtu = s.HostInterfaces.GroupBy(i => i.Mtu.Bytes).OrderByDescending(g => g.Count()).ToList();
            if (byMtu.Count > 1)
            {
                var odd = byMtu.Skip(1).SelectMany(g => g).ToList();
                var oddBond = odd[0].Bond;
                yield return new Finding
                {
                    Rule = InconsistentMtu,
                    Severity = Severity.Error,
                    Message = $"network '{s.Name}' mixes MTUs on one L2 segment: {string.Join(", ", byMtu.Select(g => $"{N(g.Count())} hosts at {I(g.Key)}"))} ({string.Join(", ", odd.Take(3).Select(i => i.Host.Name + "/" + i.Name))}); the larger senders' big packets are dropped silently by the smaller receivers",
                    Objects = [s.Name, .. odd.Take(20).Select(i => i.Host.Name)],
                    Location = oddBond?.Override?.LocationOf("mtu") ?? s.Design.Location,
                };
            }
        }
    }

    /// <summary>Packets and header bytes to move 1 GiB over TCP/IPv4 at a given MTU (no TCP options, Ethernet framing counted).</summary>
    public static (long Packets, long HeaderBytes) BulkCost(int mtu)
    {
        long mss = mtu - Overhead.Ipv4Header - Overhead.TcpHeader;
        long packets = (1L << 30) / mss + ((1L << 30) % mss == 0 ? 0 : 1);
        long perPacket = Overhead.Ipv4Header + Overhead.TcpHeader + Overhead.Ethernet + Overhead.EthernetFraming;
        return (packets, packets * perPacket);
    }

    private static IEnumerable<Finding> Jumbo(Network network)
    {
        foreach (var s in network.Segments.Where(s => s.Role is NetworkRole.Storage or NetworkRole.LiveMigration && s.Mtu.Bytes < 9000))
        {
            var (p, h) = BulkCost(s.Mtu.Bytes);
            var (pj, hj) = BulkCost(9000);
            yield return new Finding
            {
                Rule = NoJumboForBulk,
                Severity = Severity.Warning,
                Message = $"{Tokens.Of(s.Role)} network '{s.Name}' has MTU {I(s.Mtu.Bytes)}: 1 GiB takes {N(p)} packets and {N(h)} bytes of headers (TCP/IPv4 40 + Ethernet 14 + framing 24 per packet), against {N(pj)} packets and {N(hj)} bytes at MTU 9000 ({(double)p / pj:0.0}x the packets)",
                Objects = [s.Name],
                Location = s.Design.Has("mtu") ? s.Design.LocationOf("mtu") : s.Design.Location,
            };
        }
    }

    private static IEnumerable<Finding> BlackHoles(Network network)
    {
        var filters = network.Design.Fabric.IcmpFilters;
        if (filters.Count == 0)
        {
            yield break;
        }

        int external = network.Design.Fabric.ExternalMtu.Bytes;
        var routedMtus = network.Segments.Where(s => s.Kind != NetworkKind.Overlay && s.Design.Routed).Select(s => s.Mtu.Bytes).Distinct().Order().ToList();
        var bigger = network.Segments.Where(s => s.Mtu.Bytes > external).ToList();
        foreach (var f in filters.Where(f => f.Drops.Contains(IcmpKind.FragNeeded) || f.Drops.Contains(IcmpKind.PacketTooBig)))
        {
            var reasons = new List<string>();
            if (bigger.Count > 0)
            {
                reasons.Add($"{N(bigger.Count)} network{(bigger.Count == 1 ? "" : "s")} with MTU above the {I(external)}-byte external links ({string.Join(", ", bigger.Take(3).Select(s => $"'{s.Name}' {I(s.Mtu.Bytes)}"))}) need PMTUD to reach the outside");
            }

            if (routedMtus.Count > 1)
            {
                reasons.Add($"the leaves route between networks of MTU {string.Join(" and ", routedMtus.Select(m => I(m)))}");
            }

            if (reasons.Count == 0)
            {
                continue;
            }

            yield return new Finding
            {
                Rule = PmtudBlackHole,
                Severity = Severity.Warning,
                Message = $"ICMP too-big ({string.Join(", ", f.Drops.Select(Tokens.Of))}) is dropped at '{f.At}', but {string.Join("; and ", reasons)}: a DF packet above the smaller MTU is dropped there and its sender never learns why (a black hole)",
                Objects = [f.At],
                Location = f.Location,
            };
        }
    }
}
