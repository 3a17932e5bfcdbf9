using System.Net;
using Dcnet.Design;
using Dcnet.Topology;
using Dcnet.Wire;

namespace Dcnet.Sdn;

/// <summary>
/// The OVN logical network of a design, shaped like the northbound database: logical switches with their ports,
/// the logical router with its ports, routes and NAT, port groups, address sets and ACLs. Built by
/// <see cref="LogicalNetworkBuilder"/>; immutable afterwards. Lists are in a stable order (the design's), and indexes
/// into them (<c>Index</c> properties) are what the evaluator and the analysis use.
/// </summary>
public sealed class LogicalNetwork
{
    private Dictionary<string, LogicalSwitchPort>? portsByName;

    internal LogicalNetwork(Network network) => Network = network;

    /// <summary>The resolved network the model was derived from.</summary>
    public Network Network { get; }

    public IReadOnlyList<LogicalSwitch> Switches { get; internal set; } = [];

    /// <summary>Every logical switch port: VM ports (one per vNIC), router-type and localnet ports.</summary>
    public IReadOnlyList<LogicalSwitchPort> Ports { get; internal set; } = [];

    /// <summary>The distributed logical router joining the overlay networks and the external network, if any.</summary>
    public LogicalRouter? Router { get; internal set; }

    /// <summary>The switch toward the physical network for north-south traffic (a localnet port and the router's gateway port).</summary>
    public LogicalSwitch? External { get; internal set; }

    public IReadOnlyList<PortGroup> PortGroups { get; internal set; } = [];

    public IReadOnlyList<AddressSet> AddressSets { get; internal set; } = [];

    public IReadOnlyList<Acl> Acls { get; internal set; } = [];

    /// <summary>NB_Global options:default_acl_drop. dcnet never sets it (its deny is explicit ACLs), but evaluates it.</summary>
    public bool DefaultAclDrop { get; internal set; }

    /// <summary>The port group of each app group, by <see cref="AppGroup.Index"/>.</summary>
    public IReadOnlyList<PortGroup> GroupPortGroups { get; internal set; } = [];

    /// <summary>The VM port of each vNIC, by <see cref="Vnic.Index"/>.</summary>
    public IReadOnlyList<LogicalSwitchPort> VnicPorts { get; internal set; } = [];

    /// <summary>The transit prefixes between the router's gateway port and the fabric (next hop: the second address).</summary>
    public IReadOnlyList<IPNetwork> ExternalTransit { get; internal set; } = [];

    public LogicalSwitchPort? FindPort(string name) =>
        (portsByName ??= Ports.ToDictionary(p => p.Name, StringComparer.Ordinal)).GetValueOrDefault(name);

    /// <summary>ACL counts for reports: total, by direction and by action.</summary>
    public (int Total, int FromLport, int ToLport, int Allow, int Deny) Counts()
    {
        int from = Acls.Count(a => a.Direction == AclDirection.FromLport);
        int allow = Acls.Count(a => a.Allows);
        return (Acls.Count, from, Acls.Count - from, allow, Acls.Count - allow);
    }
}

/// <summary>A logical switch: one per VM network, plus the external switch.</summary>
public sealed class LogicalSwitch
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    /// <summary>The VM network it implements; null for the external switch.</summary>
    public Segment? Segment { get; init; }

    public IReadOnlyList<LogicalSwitchPort> Ports { get; internal set; } = [];

    /// <summary>The router-type port patching this switch to the logical router, if attached.</summary>
    public LogicalSwitchPort? RouterPort { get; internal set; }

    /// <summary>The localnet port to the physical network, for VLAN-backed networks and the external switch.</summary>
    public LogicalSwitchPort? LocalnetPort { get; internal set; }

    public bool IsExternal => Segment is null;

    /// <summary>True when the fabric routes the network (design 'routed').</summary>
    public bool Routed => Segment?.Design.Routed ?? true;

    public override string ToString() => Name;
}

/// <summary>The kind of a logical switch port (NB Logical_Switch_Port.type).</summary>
public enum LogicalPortType
{
    /// <summary>A VM interface (type "").</summary>
    Vif,

    /// <summary>Patched to a logical router port (type "router").</summary>
    Router,

    /// <summary>Bridged to a physical network (type "localnet").</summary>
    Localnet,
}

/// <summary>A logical switch port.</summary>
public sealed class LogicalSwitchPort
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    public required LogicalSwitch Switch { get; init; }

    public required LogicalPortType Type { get; init; }

    /// <summary>The vNIC a VM port stands for.</summary>
    public Vnic? Vnic { get; init; }

    public MacAddress? Mac { get; init; }

    public IPAddress? V4 { get; init; }

    public IPAddress? V6 { get; init; }

    /// <summary>NB addresses: "MAC IPv4 IPv6", "router" or "unknown".</summary>
    public required string Addresses { get; init; }

    /// <summary>NB port_security: the same entry as addresses for VM ports; none for the others.</summary>
    public string? PortSecurity { get; init; }

    /// <summary>NB options (router-port, network_name).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Options { get; init; } = [];

    /// <summary>The VLAN tag of a localnet port.</summary>
    public int? Tag { get; init; }

    /// <summary>The port groups the port is a member of, by index, ascending.</summary>
    public IReadOnlyList<int> PortGroups { get; internal set; } = [];

    /// <summary>The app group of a VM port, or null.</summary>
    public AppGroup? Group => Vnic?.Vm.Group;

    public IPAddress? Address(IpFamily family) => family == IpFamily.Ipv4 ? V4 : V6;

    public override string ToString() => Name;
}

/// <summary>The logical router: a port per overlay network (the networks' gateways) and a gateway port to the external switch.</summary>
public sealed class LogicalRouter
{
    public required string Name { get; init; }

    public IReadOnlyList<LogicalRouterPort> Ports { get; internal set; } = [];

    public IReadOnlyList<StaticRoute> Routes { get; internal set; } = [];

    public IReadOnlyList<NatRule> Nat { get; internal set; } = [];

    /// <summary>The gateway port toward the external switch (a distributed gateway port).</summary>
    public LogicalRouterPort? GatewayPort { get; internal set; }

    /// <summary>Chassis that host the gateway port, highest priority first (hosts on the border leaves).</summary>
    public IReadOnlyList<string> GatewayChassis { get; internal set; } = [];
}

/// <summary>A logical router port with its MAC and networks ("10.128.0.1/22").</summary>
public sealed class LogicalRouterPort
{
    public required string Name { get; init; }

    public required MacAddress Mac { get; init; }

    public IPAddress? V4 { get; init; }

    public int V4Length { get; init; }

    public IPAddress? V6 { get; init; }

    public int V6Length { get; init; }

    /// <summary>The switch it is patched to.</summary>
    public required LogicalSwitch Switch { get; init; }

    public IPAddress? Address(IpFamily family) => family == IpFamily.Ipv4 ? V4 : V6;

    /// <summary>NB networks, e.g. ["10.128.0.1/22", "fd00:dc:1001::1/64"].</summary>
    public IReadOnlyList<string> Networks
    {
        get
        {
            var list = new List<string>(2);
            if (V4 is { } a)
            {
                list.Add(a + "/" + V4Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (V6 is { } b)
            {
                list.Add(b + "/" + V6Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return list;
        }
    }
}

/// <summary>A static route of the logical router.</summary>
public sealed record StaticRoute(IPNetwork Prefix, IPAddress NextHop);

/// <summary>A NAT rule: SNAT of a network that the fabric does not route to the gateway port's address.</summary>
public sealed record NatRule(string Type, IPAddress ExternalIp, IPNetwork LogicalIp, Segment Network);

/// <summary>A port group: the app group's VM ports (or a rule's), its ACLs, and OVN's derived address sets.</summary>
public sealed class PortGroup
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    /// <summary>Why it exists, for reports ("app group app-001", "rule 3 destinations", "every VM").</summary>
    public required string Purpose { get; init; }

    public IReadOnlyList<LogicalSwitchPort> Ports { get; internal set; } = [];

    /// <summary>The app groups whose ports it holds, all of them: port groups hold whole groups.</summary>
    public IReadOnlyList<AppGroup> Groups { get; internal set; } = [];

    public IReadOnlyList<Acl> Acls { get; internal set; } = [];

    /// <summary>The switches holding at least one member: OVN installs the group's ACLs on each of them.</summary>
    public IReadOnlyList<LogicalSwitch> Switches { get; internal set; } = [];

    public override string ToString() => Name;
}

/// <summary>An NB Address_Set.</summary>
public sealed class AddressSet
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    public required IpFamily Family { get; init; }

    public required IReadOnlyList<IPNetwork> Addresses { get; init; }

    public required string Purpose { get; init; }

    public override string ToString() => Name;
}
