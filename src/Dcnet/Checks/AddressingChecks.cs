using System.Globalization;
using System.Net;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Checks;

/// <summary>The address plan: subnets big enough for what is placed on them, and no address used twice.</summary>
public sealed class AddressingChecks : ICheck
{
    public static readonly Rule SubnetTooSmall = new(
        "ADDR001", Foundation.Addressing, Severity.Error,
        "Subnet too small for the hosts and VMs placed on it",
        "Every host interface and vNIC on a network takes an address after the gateway and the reserved block. When the prefix runs out, the last VMs get no address; when it is nearly full, growth and live-migration surges have no room. The headroom is workloads.headroom percent.",
        "Use a shorter prefix, move groups to another network, or lower 'reserved'.");

    public static readonly Rule AddressOverlap = new(
        "ADDR002", Foundation.Addressing, Severity.Error,
        "Address pools or addresses overlap",
        "Fabric link and loopback pools, load-balancer VIP pools and networks must not overlap, and a server address must not be one that is handed to a host or VM: the same address in two places routes traffic to the wrong one, silently.",
        "Move one of the pools, or the server address, out of the other's range.");

    public IReadOnlyList<Rule> Rules => [SubnetTooSmall, AddressOverlap];

    public IEnumerable<Finding> Run(Network network)
    {
        foreach (var f in Capacity(network))
        {
            yield return f;
        }

        foreach (var f in Overlaps(network))
        {
            yield return f;
        }
    }

    private static IEnumerable<Finding> Capacity(Network network)
    {
        int headroom = network.Design.Workloads.Headroom;
        foreach (var s in network.Segments)
        {
            foreach (var (family, prefix, capacity, missed) in new[]
            {
                ("IPv4", s.Ipv4, s.CapacityV4, s.UnaddressedV4),
                ("IPv6", s.Ipv6, s.CapacityV6, s.UnaddressedV6),
            })
            {
                if (prefix is not { } p || s.Endpoints == 0)
                {
                    continue;
                }

                UInt128 need = (UInt128)s.Endpoints;
                UInt128 limit = capacity * (UInt128)(100 - headroom) / 100;
                if (need <= limit)
                {
                    continue;
                }

                string who = Endpoints(s);
                string cap = string.Create(CultureInfo.InvariantCulture, $"{N(p.UsableHosts())} usable - 1 gateway - {s.Design.Reserved} reserved = {N(capacity)}");
                var key = family == "IPv4" ? "ipv4" : "ipv6";
                if (missed > 0)
                {
                    var lost = s.Vnics.Where(v => (family == "IPv4" ? v.V4 : v.V6) is null).Select(v => v.Vm.Name).ToList();
                    yield return new Finding
                    {
                        Rule = SubnetTooSmall,
                        Severity = Severity.Error,
                        Message = string.Create(CultureInfo.InvariantCulture, $"network '{s.Name}' {p}: {who} need {family} addresses, capacity is {cap}; {missed:N0} get no address"),
                        Objects = [s.Name, .. lost.Take(20)],
                        Location = s.Design.LocationOf(key),
                        Fix = string.Create(CultureInfo.InvariantCulture, $"Use a /{SuggestLength(p, need, headroom, s.Design.Reserved)} or shorter for '{s.Name}', or move groups to another network."),
                    };
                }
                else
                {
                    double used = (double)need / (double)capacity * 100;
                    yield return new Finding
                    {
                        Rule = SubnetTooSmall,
                        Severity = Severity.Warning,
                        Message = string.Create(CultureInfo.InvariantCulture, $"network '{s.Name}' {p}: {who} use {used:0.0}% of {family} capacity ({cap}), above the {100 - headroom}% the {headroom}% headroom allows"),
                        Objects = [s.Name],
                        Location = s.Design.LocationOf(key),
                        Fix = string.Create(CultureInfo.InvariantCulture, $"Use a /{SuggestLength(p, need, headroom, s.Design.Reserved)} for '{s.Name}' to keep {headroom}% headroom."),
                    };
                }
            }
        }
    }

    private static string Endpoints(Segment s)
    {
        var parts = new List<string>();
        if (s.Vnics.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{s.Vnics.Count:N0} vNICs"));
        }

        if (s.HostInterfaces.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{s.HostInterfaces.Count:N0} host interfaces"));
        }

        return string.Join(" + ", parts);
    }

    /// <summary>The longest prefix length whose capacity, less the headroom, holds <paramref name="need"/> endpoints.</summary>
    private static int SuggestLength(IPNetwork p, UInt128 need, int headroom, int reserved)
    {
        int bits = p.Bits();
        for (int len = bits - 2; len > 0; len--)
        {
            var candidate = new IPNetwork(IpMath.FromUInt128(0, p.IsV4()), len);
            UInt128 usable = candidate.UsableHosts();
            UInt128 capacity = usable > (UInt128)(reserved + 1) ? usable - (UInt128)(reserved + 1) : 0;
            if (capacity * (UInt128)(100 - headroom) / 100 >= need)
            {
                return len;
            }
        }

        return 1;
    }

    private static string N(UInt128 v) => v > ulong.MaxValue ? v.ToString(CultureInfo.InvariantCulture) : ((ulong)v).ToString("N0", CultureInfo.InvariantCulture);

    private static IEnumerable<Finding> Overlaps(Network network)
    {
        var d = network.Design;
        var f = d.Fabric;
        var pools = new List<(string What, IPNetwork Prefix, SourceLocation At)>();
        bool v4 = f.Families.Contains(IpFamily.Ipv4), v6 = f.Families.Contains(IpFamily.Ipv6);
        bool numbered = f.Addressing == LinkAddressing.Numbered;
        if (v4 && numbered)
        {
            pools.Add(("fabric.ipv4-p2p", f.Ipv4P2p, f.LocationOf("ipv4-p2p")));
        }

        if (v6 && numbered)
        {
            pools.Add(("fabric.ipv6-p2p", f.Ipv6P2p, f.LocationOf("ipv6-p2p")));
        }

        pools.Add(("fabric.ipv4-loopbacks", f.Ipv4Loopbacks, f.LocationOf("ipv4-loopbacks")));
        if (v6)
        {
            pools.Add(("fabric.ipv6-loopbacks", f.Ipv6Loopbacks, f.LocationOf("ipv6-loopbacks")));
        }

        foreach (var pool in d.LoadBalancer?.Pools ?? [])
        {
            for (int i = 0; i < pool.Addresses.Count; i++)
            {
                pools.Add(($"VIP pool '{pool.Name}'", pool.Addresses[i], pool.LocationOf(string.Create(CultureInfo.InvariantCulture, $"addresses[{i}]"))));
            }
        }

        var networks = new List<(string What, IPNetwork Prefix, SourceLocation At)>();
        foreach (var s in network.Segments)
        {
            if (s.Ipv4 is { } p4)
            {
                networks.Add(($"network '{s.Name}'", p4, s.Design.LocationOf("ipv4")));
            }

            if (s.Ipv6 is { } p6)
            {
                networks.Add(($"network '{s.Name}'", p6, s.Design.LocationOf("ipv6")));
            }
        }

        // Pools against pools and networks; networks against each other are a load error already.
        for (int i = 0; i < pools.Count; i++)
        {
            foreach (var other in pools.Skip(i + 1).Concat(networks))
            {
                if (pools[i].Prefix.Overlaps(other.Prefix))
                {
                    var (first, second) = pools[i].At.Line <= other.At.Line ? (pools[i], other) : (other, pools[i]);
                    yield return new Finding
                    {
                        Rule = AddressOverlap,
                        Severity = Severity.Error,
                        Message = $"{second.What} {second.Prefix} overlaps {first.What} {first.Prefix}",
                        Objects = [first.What, second.What],
                        Location = second.At.IsKnown ? second.At : first.At,
                    };
                }
            }
        }

        // Server addresses that are also handed to a host or VM.
        var servers = d.Dns.Servers.Select((a, i) => (a, "DNS server", d.Dns.LocationOf(string.Create(CultureInfo.InvariantCulture, $"servers[{i}]"))))
            .Concat(d.Dhcp.Servers.Select((a, i) => (a, "DHCP server", d.Dhcp.LocationOf(string.Create(CultureInfo.InvariantCulture, $"servers[{i}]")))));
        foreach (var (address, what, at) in servers)
        {
            var owner = OwnerOf(network, address);
            if (owner is not null)
            {
                yield return new Finding
                {
                    Rule = AddressOverlap,
                    Severity = Severity.Error,
                    Message = $"{what} {address} is also the address of {owner}",
                    Objects = [owner],
                    Location = at,
                    Fix = "Put servers in a network's reserved block (after the gateway) or outside the networks that hand out addresses.",
                };
            }
        }
    }

    private static string? OwnerOf(Network network, IPAddress address)
    {
        foreach (var s in network.Segments)
        {
            bool v4 = address.IsV4();
            if ((v4 ? s.Ipv4 : s.Ipv6) is not { } p || !p.Contains(address))
            {
                continue;
            }

            foreach (var i in s.HostInterfaces)
            {
                if (address.Equals(v4 ? i.V4 : i.V6))
                {
                    return $"{i.Host.Name}/{i.Name}";
                }
            }

            foreach (var v in s.Vnics)
            {
                if (address.Equals(v4 ? v.V4 : v.V6))
                {
                    return v.Name;
                }
            }
        }

        return null;
    }
}
