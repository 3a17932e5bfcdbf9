using System.Net;
using Dcnet.Design;
using Dcnet.Topology;
using Dcnet.Wire;

namespace Dcnet.Trace;

/// <summary>Where a trace starts or ends.</summary>
public enum EndpointKind
{
    Vm,
    Host,
    External,
}

/// <summary>A resolved trace endpoint: a vNIC, a host interface or an outside address.</summary>
public sealed record Endpoint
{
    public required EndpointKind Kind { get; init; }

    public required string Name { get; init; }

    public required IPAddress Address { get; init; }

    public MacAddress Mac { get; init; }

    public Segment? Segment { get; init; }

    public Host? Host { get; init; }

    public Vnic? Vnic { get; init; }

    public HostInterface? Interface { get; init; }

    public Wire.Mtu Mtu { get; init; }

    public string Description => Kind switch
    {
        EndpointKind.Vm => $"{Vnic!.Name} {Address} on {Host?.Name ?? "no host"} in {Segment!.Name}",
        EndpointKind.Host => $"{Host!.Name}/{Interface!.Name} {Address} in {Segment!.Name}",
        _ => $"external {Address}",
    };
}

/// <summary>Finds endpoints by name or address.</summary>
internal sealed class EndpointIndex
{
    private readonly Network network;
    private Dictionary<IPAddress, object>? byAddress;

    public EndpointIndex(Network network) => this.network = network;

    /// <summary>The candidates a name stands for (a VM's vNICs, a host's interfaces), or a single addressed endpoint.</summary>
    public IReadOnlyList<Endpoint> Candidates(string text, IpFamily family, out string? problem)
    {
        problem = null;
        bool v6 = family == IpFamily.Ipv6;
        string name = text;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string? nicName = null;
        if (slash > 0 && network.FindVm(text[..slash]) is not null)
        {
            name = text[..slash];
            nicName = text[(slash + 1)..];
        }

        if (network.FindVm(name) is { } vm)
        {
            var list = vm.Vnics.Where(v => (nicName is null || "eth" + v.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture) == nicName) && (v6 ? v.V6 : v.V4) is not null)
                .Select(v => ForVnic(v, v6)).ToList();
            if (list.Count == 0)
            {
                problem = $"{text} has no {(v6 ? "IPv6" : "IPv4")} address";
            }

            return list;
        }

        string? ifName = null;
        if (slash > 0 && network.FindDevice(text[..slash]) is Host)
        {
            name = text[..slash];
            ifName = text[(slash + 1)..];
        }

        if (network.FindDevice(name) is Host host)
        {
            var list = host.Interfaces.Where(i => (v6 ? i.V6 : i.V4) is not null && (ifName is null || i.Name == ifName))
                .OrderBy(i => i.Segment.Role == NetworkRole.Management ? 0 : 1)
                .Select(i => ForInterface(i, v6)).ToList();
            if (list.Count == 0)
            {
                problem = ifName is not null && host.Interfaces.All(i => i.Name != ifName)
                    ? $"{name} has no interface '{ifName}' (it has {string.Join(", ", host.Interfaces.Select(i => i.Name))})"
                    : $"{text} has no {(v6 ? "IPv6" : "IPv4")} address";
            }

            return list;
        }

        if (IPAddress.TryParse(text, out var address))
        {
            if ((address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) != v6)
            {
                problem = $"{text} is not an {(v6 ? "IPv6" : "IPv4")} address (use --family {(v6 ? 4 : 6)})";
                return [];
            }

            byAddress ??= BuildAddressIndex();
            if (byAddress.TryGetValue(address, out object? owner))
            {
                return [owner is Vnic v ? ForVnic(v, v6) : ForInterface((HostInterface)owner, v6)];
            }

            if (network.Segments.FirstOrDefault(s => (v6 ? s.Ipv6 : s.Ipv4) is { } p && p.Contains(address)) is { } inside)
            {
                problem = $"{address} is inside network '{inside.Name}' but no host or VM has it";
                return [];
            }

            return [new Endpoint { Kind = EndpointKind.External, Name = address.ToString(), Address = address, Mac = MacPlan.External, Mtu = network.Design.Fabric.ExternalMtu }];
        }

        string? guess = Text.Suggest.Closest(name, network.Vms.Take(100000).Select(v => v.Name).Concat(network.Hosts.Select(h => h.Name)));
        problem = $"'{text}' is neither a VM, a host nor an IP address" + (guess is null ? "" : $"; did you mean '{guess}'?");
        return [];
    }

    private Dictionary<IPAddress, object> BuildAddressIndex()
    {
        var d = new Dictionary<IPAddress, object>();
        foreach (var v in network.Vnics)
        {
            if (v.V4 is not null)
            {
                d.TryAdd(v.V4, v);
            }

            if (v.V6 is not null)
            {
                d.TryAdd(v.V6, v);
            }
        }

        foreach (var i in network.Hosts.SelectMany(h => h.Interfaces))
        {
            if (i.V4 is not null)
            {
                d.TryAdd(i.V4, i);
            }

            if (i.V6 is not null)
            {
                d.TryAdd(i.V6, i);
            }
        }

        return d;
    }

    public static Endpoint ForVnic(Vnic v, bool v6) => new()
    {
        Kind = EndpointKind.Vm,
        Name = v.Name,
        Address = (v6 ? v.V6 : v.V4)!,
        Mac = v.Mac,
        Segment = v.Segment,
        Host = v.Vm.Host,
        Vnic = v,
        Mtu = v.Segment.Mtu,
    };

    public static Endpoint ForInterface(HostInterface i, bool v6) => new()
    {
        Kind = EndpointKind.Host,
        Name = i.Host.Name + "/" + i.Name,
        Address = (v6 ? i.V6 : i.V4)!,
        Mac = i.Bond is { } b ? MacPlan.Of(b) : MacPlan.Of(i),
        Segment = i.Segment,
        Host = i.Host,
        Interface = i,
        Mtu = i.Mtu,
    };
}
