using System.Globalization;
using Dcnet.Checks;
using Dcnet.Topology;

namespace Dcnet.Vlans;

/// <summary>802.1Q: VLAN ids and their use.</summary>
public sealed class VlanChecks : ICheck
{
    public static readonly Rule VlanReused = new(
        "VLAN001", Foundation.Vlans, Severity.Error,
        "One VLAN id used by two networks",
        "Two networks on the same VLAN id share one broadcast domain on every trunk that carries both: their ARP, DHCP and traffic mix, and the address plans collide.",
        "Give each network its own VLAN id.");

    public static readonly Rule NotTrunked = new(
        "VLAN002", Foundation.Vlans, Severity.Error,
        "VLAN missing from a trunk where its VMs or hosts can run",
        "A VM can live-migrate to any host of its cluster, so every host bond and leaf port of the cluster must trunk every VLAN its VMs use. One host without the VLAN drops the whole network for every VM that lands there; a host missing a host VLAN loses storage, migration or management.",
        "Trunk the VLAN on every host bond (and the leaf ports) of the cluster, or exclude the host from the cluster.");

    public static readonly Rule NativeMismatch = new(
        "VLAN003", Foundation.Vlans, Severity.Error,
        "Native (untagged) VLAN differs between host and switch",
        "Untagged frames belong to the native VLAN of each side. If host and switch disagree, untagged traffic lands in the wrong VLAN on the other side: management reaches the wrong network, or nothing.",
        "Configure the same native VLAN on the bond and the switch ports, or tag everything.");

    public static readonly Rule TooManyVlans = new(
        "VLAN004", Foundation.Vlans, Severity.Error,
        "More VLAN segments than 802.1Q allows",
        "802.1Q has 4,094 usable VLAN ids (1 to 4094). More segments than that must be overlay networks (GENEVE/VXLAN, 16 million VNIs).",
        "Make the extra networks overlay networks.");

    public static readonly Rule DefaultVlan = new(
        "VLAN005", Foundation.Vlans, Severity.Warning,
        "Network on VLAN 1",
        "VLAN 1 is the default and native VLAN of most switches: untagged control traffic and every unconfigured port land in it.",
        "Move the network to another VLAN id.");

    public IReadOnlyList<Rule> Rules => [VlanReused, NotTrunked, NativeMismatch, TooManyVlans, DefaultVlan];

    public IEnumerable<Finding> Run(Network network) =>
        Reused(network).Concat(Trunks(network)).Concat(Natives(network)).Concat(Count(network)).Concat(VlanOne(network));

    private static IEnumerable<Finding> Trunks(Network network)
    {
        // Live-migration domain: the cluster. Every VM-running host of a cluster must trunk every VLAN its VMs use.
        foreach (var cluster in network.HostGroups.GroupBy(g => g.Cluster, StringComparer.Ordinal))
        {
            var hosts = cluster.SelectMany(g => g.Hosts).ToList();
            var vmHosts = hosts.Where(h => h.Group.RunsVms).ToList();
            var vlanSegments = vmHosts.SelectMany(h => h.Vms).SelectMany(v => v.Vnics).Select(v => v.Segment)
                .Where(s => s.Kind == Design.NetworkKind.Localnet && s.Vlan is not null).Distinct().OrderBy(s => s.Index).ToList();
            foreach (var s in vlanSegments)
            {
                var vms = s.Vnics.Where(v => v.Vm.Host is { } h && h.Group.Cluster == cluster.Key).Select(v => v.Vm.Name).ToList();
                foreach (var host in vmHosts)
                {
                    var bond = host.BondFor(Design.TrafficClass.Vm);
                    if (bond is null || bond.TaggedVlans.Contains(s.Vlan!.Value) || bond.NativeVlan == s.Vlan)
                    {
                        continue;
                    }

                    yield return new Finding
                    {
                        Rule = NotTrunked,
                        Severity = Severity.Error,
                        Message = string.Create(CultureInfo.InvariantCulture, $"{bond.FullName} does not trunk VLAN {s.Vlan} ('{s.Name}'): {vms.Count:N0} VMs of cluster '{cluster.Key}' on that network lose it when they live-migrate to {host.Name} ({string.Join(", ", vms.Take(3))}{(vms.Count > 3 ? ", ..." : "")})"),
                        Objects = [host.Name, bond.FullName, s.Name, .. vms.Take(20)],
                        Location = RemovedAt(bond, s.Vlan!.Value) ?? bond.Design.Location,
                    };
                }
            }

            foreach (var host in hosts)
            {
                foreach (var bond in host.Bonds)
                {
                    foreach (var s in bond.Segments.Where(s => s.Kind == Design.NetworkKind.HostVlan && s.Vlan is { } v && v != bond.NativeVlan && !bond.TaggedVlans.Contains(v)))
                    {
                        yield return new Finding
                        {
                            Rule = NotTrunked,
                            Severity = Severity.Error,
                            Message = $"{bond.FullName} carries {Design.Tokens.Of(s.Role)} traffic but does not trunk VLAN {s.Vlan} ('{s.Name}'): {host.Name} has no {Design.Tokens.Of(s.Role)} network",
                            Objects = [host.Name, bond.FullName, s.Name],
                            Location = RemovedAt(bond, s.Vlan!.Value) ?? bond.Design.Location,
                        };
                    }
                }
            }
        }
    }

    private static Design.SourceLocation? RemovedAt(Bond bond, VlanId vlan)
    {
        if (bond.Override is not { } o)
        {
            return null;
        }

        for (int i = 0; i < o.RemoveVlans.Count; i++)
        {
            if (o.RemoveVlans[i] == vlan)
            {
                return o.LocationOf(string.Create(CultureInfo.InvariantCulture, $"remove-vlans[{i}]"));
            }
        }

        return o.Location;
    }

    private static IEnumerable<Finding> Natives(Network network)
    {
        foreach (var bond in network.Hosts.SelectMany(h => h.Bonds).Where(b => b.NativeVlan != b.SwitchNativeVlan))
        {
            yield return new Finding
            {
                Rule = NativeMismatch,
                Severity = Severity.Error,
                Message = $"{bond.FullName} sends VLAN {(bond.NativeVlan?.ToString() ?? "none")} untagged, but its switch ports treat untagged frames as VLAN {(bond.SwitchNativeVlan?.ToString() ?? "none")}",
                Objects = [bond.FullName],
                Location = bond.Override?.LocationOf("switch-native-vlan") ?? bond.Design.LocationOf("native-vlan"),
            };
        }
    }

    private static IEnumerable<Finding> Count(Network network)
    {
        var vlanSegments = network.Segments.Where(s => s.Kind != Design.NetworkKind.Overlay).ToList();
        if (vlanSegments.Count > VlanId.UsableCount)
        {
            yield return new Finding
            {
                Rule = TooManyVlans,
                Severity = Severity.Error,
                Message = string.Create(CultureInfo.InvariantCulture, $"{vlanSegments.Count:N0} VLAN-backed networks, but 802.1Q has {VlanId.UsableCount:N0} usable ids: at least {vlanSegments.Count - VlanId.UsableCount:N0} must be overlay networks"),
                Objects = [],
                Location = network.Design.LocationOf("networks"),
            };
        }
    }

    private static IEnumerable<Finding> VlanOne(Network network)
    {
        foreach (var s in network.Segments.Where(s => s.Vlan is { Value: 1 }))
        {
            yield return new Finding
            {
                Rule = DefaultVlan,
                Severity = Severity.Warning,
                Message = $"network '{s.Name}' uses VLAN 1, the default VLAN of most switches",
                Objects = [s.Name],
                Location = s.Design.LocationOf("vlan"),
            };
        }
    }

    private static IEnumerable<Finding> Reused(Network network)
    {
        foreach (var group in network.Segments.Where(s => s.Vlan is not null).GroupBy(s => s.Vlan!.Value).Where(g => g.Count() > 1).OrderBy(g => g.Key))
        {
            var list = group.OrderBy(s => s.Index).ToList();
            foreach (var s in list.Skip(1))
            {
                yield return new Finding
                {
                    Rule = VlanReused,
                    Severity = Severity.Error,
                    Message = string.Create(CultureInfo.InvariantCulture, $"VLAN {group.Key} is used by network '{s.Name}' and by network '{list[0].Name}' (line {list[0].Design.LocationOf("vlan").Line})"),
                    Objects = list.Select(x => x.Name).ToList(),
                    Location = s.Design.LocationOf("vlan"),
                };
            }
        }
    }
}
