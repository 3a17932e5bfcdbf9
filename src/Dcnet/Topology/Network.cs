using System.Net;
using Dcnet.Bgp;
using Dcnet.Bonding;
using Dcnet.Design;
using Dcnet.Vlans;
using Dcnet.Wire;

namespace Dcnet.Topology;

/// <summary>
/// The resolved twin: every device, link, network, VM and address of a design as a concrete object with a stable name.
/// Built once by <see cref="Resolver"/>, never mutated afterwards; checks, simulations and renderers read it.
/// </summary>
public sealed class Network
{
    private Dictionary<string, Device>? devicesByName;
    private Dictionary<string, Vm>? vmsByName;
    private Dictionary<string, Segment>? segmentsByName;
    private Dictionary<string, AppGroup>? groupsByName;

    internal Network(DesignDocument design) => Design = design;

    /// <summary>The design this network was resolved from.</summary>
    public DesignDocument Design { get; }

    public IReadOnlyList<Switch> Spines { get; internal set; } = [];

    public IReadOnlyList<Switch> Leaves { get; internal set; } = [];

    public IReadOnlyList<MlagPair> MlagPairs { get; internal set; } = [];

    public IReadOnlyList<FabricLink> FabricLinks { get; internal set; } = [];

    public IReadOnlyList<HostGroup> HostGroups { get; internal set; } = [];

    public IReadOnlyList<Host> Hosts { get; internal set; } = [];

    public IReadOnlyList<Segment> Segments { get; internal set; } = [];

    public IReadOnlyList<AppGroup> Groups { get; internal set; } = [];

    public IReadOnlyList<Vm> Vms { get; internal set; } = [];

    /// <summary>Every vNIC of every VM, in VM order.</summary>
    public IReadOnlyList<Vnic> Vnics { get; internal set; } = [];

    /// <summary>The network that carries tunnel endpoints, when there is an overlay.</summary>
    public Segment? TunnelSegment { get; internal set; }

    public LoadBalancer? LoadBalancer { get; internal set; }

    public IEnumerable<Switch> Switches => Spines.Concat(Leaves);

    public IEnumerable<Device> Devices => Spines.Concat<Device>(Leaves).Concat(Hosts);

    public Device? FindDevice(string name) =>
        (devicesByName ??= Devices.ToDictionary(d => d.Name, StringComparer.Ordinal)).GetValueOrDefault(name);

    public Vm? FindVm(string name) =>
        (vmsByName ??= Vms.ToDictionary(v => v.Name, StringComparer.Ordinal)).GetValueOrDefault(name);

    public Segment? FindSegment(string name) =>
        (segmentsByName ??= Segments.ToDictionary(s => s.Name, StringComparer.Ordinal)).GetValueOrDefault(name);

    public AppGroup? FindGroup(string name) =>
        (groupsByName ??= Groups.ToDictionary(g => g.Name, StringComparer.Ordinal)).GetValueOrDefault(name);
}

/// <summary>What a device is in the fabric.</summary>
public enum DeviceRole
{
    Spine,
    Leaf,
    Host,
}

/// <summary>A named device.</summary>
public abstract class Device
{
    protected Device(string name, DeviceRole role)
    {
        Name = name;
        Role = role;
    }

    public string Name { get; }

    public DeviceRole Role { get; }

    public override string ToString() => Name;
}

/// <summary>A spine or leaf switch.</summary>
public sealed class Switch : Device
{
    internal Switch(string name, DeviceRole role, int index) : base(name, role) => Index = index;

    /// <summary>0-based position among the spines or among the leaves.</summary>
    public int Index { get; }

    public Asn Asn { get; internal set; }

    /// <summary>The IPv4 loopback, which is also the BGP router id.</summary>
    public IPAddress? LoopbackV4 { get; internal set; }

    public IPAddress? LoopbackV6 { get; internal set; }

    public Mtu PortMtu { get; internal set; }

    /// <summary>The MLAG pair this leaf belongs to.</summary>
    public MlagPair? MlagPair { get; internal set; }

    /// <summary>True for leaves that connect the fabric to the outside.</summary>
    public bool IsBorder { get; internal set; }

    /// <summary>Fabric links of this switch: a spine's downlinks or a leaf's uplinks, in peer order.</summary>
    public IReadOnlyList<FabricLink> FabricLinks { get; internal set; } = [];

    /// <summary>Host-facing ports of a leaf, in port order.</summary>
    public IReadOnlyList<Nic> HostPorts { get; internal set; } = [];

    /// <summary>Hosts with at least one NIC on this leaf.</summary>
    public IReadOnlyList<Host> Hosts { get; internal set; } = [];
}

/// <summary>Two leaves that present one LACP partner to dual-homed hosts.</summary>
public sealed class MlagPair(int index, Switch a, Switch b)
{
    public int Index { get; } = index;

    public Switch A { get; } = a;

    public Switch B { get; } = b;

    public string Name => A.Name + "+" + B.Name;

    public bool Contains(Switch leaf) => ReferenceEquals(A, leaf) || ReferenceEquals(B, leaf);
}

/// <summary>A point-to-point link between a spine and a leaf.</summary>
public sealed class FabricLink
{
    public required int Index { get; init; }

    public required Switch Spine { get; init; }

    public required Switch Leaf { get; init; }

    public required string SpineInterface { get; init; }

    public required string LeafInterface { get; init; }

    public required Speed Speed { get; init; }

    public required Mtu Mtu { get; init; }

    /// <summary>The /31, when numbered with IPv4.</summary>
    public IPNetwork? PrefixV4 { get; init; }

    public IPAddress? SpineV4 { get; init; }

    public IPAddress? LeafV4 { get; init; }

    /// <summary>The /127, when numbered with IPv6.</summary>
    public IPNetwork? PrefixV6 { get; init; }

    public IPAddress? SpineV6 { get; init; }

    public IPAddress? LeafV6 { get; init; }

    public string Name => Spine.Name + "/" + Leaf.Name;
}

/// <summary>A group of hosts built from one template.</summary>
public sealed class HostGroup
{
    internal HostGroup(HostGroupDesign design, string cluster)
    {
        Design = design;
        Cluster = cluster;
    }

    public string Name => Design.Name;

    /// <summary>The live-migration domain.</summary>
    public string Cluster { get; }

    public HostGroupDesign Design { get; }

    public IReadOnlyList<Host> Hosts { get; internal set; } = [];

    /// <summary>Leaf names in the group's placement that this fabric does not have, with where they were written.</summary>
    public IReadOnlyList<(string Leaf, SourceLocation At)> UnknownLeaves { get; internal set; } = [];

    /// <summary>True when the hosts run VMs.</summary>
    public bool RunsVms { get; internal set; }
}

/// <summary>A server.</summary>
public sealed class Host : Device
{
    internal Host(string name, HostGroup group, int index, int indexInGroup) : base(name, DeviceRole.Host)
    {
        Group = group;
        Index = index;
        IndexInGroup = indexInGroup;
    }

    public HostGroup Group { get; }

    /// <summary>0-based position among all hosts.</summary>
    public int Index { get; }

    public int IndexInGroup { get; }

    /// <summary>The leaves this host's NICs connect to: one, or an (MLAG) pair.</summary>
    public IReadOnlyList<Switch> Leaves { get; internal set; } = [];

    public IReadOnlyList<Nic> Nics { get; internal set; } = [];

    public IReadOnlyList<Bond> Bonds { get; internal set; } = [];

    /// <summary>Host L3 interfaces: one per host network the host is on.</summary>
    public IReadOnlyList<HostInterface> Interfaces { get; internal set; } = [];

    public IReadOnlyList<Vm> Vms { get; internal set; } = [];

    /// <summary>The tunnel endpoint (the interface on the tunnel network), when the design has an overlay.</summary>
    public HostInterface? TunnelEndpoint { get; internal set; }

    /// <summary>True when this host runs a load-balancer speaker.</summary>
    public bool IsSpeaker { get; internal set; }

    /// <summary>The bond carrying <paramref name="traffic"/>, if any.</summary>
    public Bond? BondFor(TrafficClass traffic) => Bonds.FirstOrDefault(b => b.Carries.Contains(traffic));
}

/// <summary>A physical NIC port and the leaf port it is cabled to.</summary>
public sealed class Nic
{
    public required Host Host { get; init; }

    public required string Name { get; init; }

    public required int Index { get; init; }

    public required Speed Speed { get; init; }

    public Mtu Mtu { get; internal set; }

    public Bond? Bond { get; internal set; }

    public Switch? Leaf { get; internal set; }

    public string? LeafPort { get; internal set; }

    public string FullName => Host.Name + "/" + Name;
}

/// <summary>A host bond (or its platform equivalent).</summary>
public sealed class Bond
{
    public required Host Host { get; init; }

    public required BondDesign Design { get; init; }

    public string Name => Design.Name;

    public BondMode Mode => Design.Mode;

    public XmitHashPolicy HashPolicy => Design.XmitHashPolicy;

    public IReadOnlyList<Nic> Members { get; internal set; } = [];

    public Mtu Mtu { get; internal set; }

    public IReadOnlyList<TrafficClass> Carries => Design.Carries;

    /// <summary>Networks on this bond: VLANs tagged or native, and overlay networks inside its tunnels.</summary>
    public IReadOnlyList<Segment> Segments { get; internal set; } = [];

    /// <summary>VLAN ids tagged on the host side of the trunk.</summary>
    public IReadOnlyList<VlanId> TaggedVlans { get; internal set; } = [];

    /// <summary>The untagged VLAN on the host side.</summary>
    public VlanId? NativeVlan { get; internal set; }

    /// <summary>The untagged VLAN configured on the switch ports facing this bond.</summary>
    public VlanId? SwitchNativeVlan { get; internal set; }

    /// <summary>The override that changed this bond, for locations in findings.</summary>
    public HostOverrideDesign? Override { get; internal set; }

    public string FullName => Host.Name + "/" + Name;
}

/// <summary>A host's L3 interface on a host network.</summary>
public sealed class HostInterface
{
    public required Host Host { get; init; }

    public required Segment Segment { get; init; }

    public required Bond? Bond { get; init; }

    /// <summary>Interface name on the host, such as bond0.100.</summary>
    public required string Name { get; init; }

    public IPAddress? V4 { get; internal set; }

    public IPAddress? V6 { get; internal set; }

    public Mtu Mtu { get; internal set; }
}

/// <summary>A resolved network (an OVN logical switch, a bridged VLAN or a host VLAN).</summary>
public sealed class Segment
{
    internal Segment(NetworkDesign design, int index)
    {
        Design = design;
        Index = index;
    }

    public NetworkDesign Design { get; }

    public int Index { get; }

    public string Name => Design.Name;

    public NetworkKind Kind => Design.Kind;

    public NetworkRole Role => Design.Role;

    public VlanId? Vlan => Design.Vlan;

    public IPNetwork? Ipv4 => Design.Ipv4;

    public IPNetwork? Ipv6 => Design.Ipv6;

    public Mtu Mtu { get; internal set; }

    public IPAddress? Gateway4 { get; internal set; }

    public IPAddress? Gateway6 { get; internal set; }

    /// <summary>The overlay network identifier (GENEVE/VXLAN VNI), for overlay networks.</summary>
    public uint? Vni { get; internal set; }

    // Packed, not UInt128: every check and simulation reads segments, and ReadyToRun would precompile none of them.
    private Packed128 capacityV4, capacityV6;

    /// <summary>Addresses that can be handed to hosts and VMs (usable minus gateway and reserved), per family.</summary>
    public UInt128 CapacityV4
    {
        get => capacityV4.Value;
        internal set => capacityV4 = Packed128.Of(value);
    }

    public UInt128 CapacityV6
    {
        get => capacityV6.Value;
        internal set => capacityV6 = Packed128.Of(value);
    }

    public IReadOnlyList<HostInterface> HostInterfaces { get; internal set; } = [];

    public IReadOnlyList<Vnic> Vnics { get; internal set; } = [];

    /// <summary>Endpoints (host interfaces and vNICs) that need an address but found none left, per family.</summary>
    public int UnaddressedV4 { get; internal set; }

    public int UnaddressedV6 { get; internal set; }

    /// <summary>Endpoints that asked for an address on this segment.</summary>
    public int Endpoints => HostInterfaces.Count + Vnics.Count;

    public bool IsVmNetwork => Kind is NetworkKind.Overlay or NetworkKind.Localnet;

    public override string ToString() => Name;
}

/// <summary>An application group: the unit of micro-segmentation.</summary>
public sealed class AppGroup
{
    internal AppGroup(string name, int index, GroupDesign design)
    {
        Name = name;
        Index = index;
        Design = design;
    }

    public string Name { get; }

    public int Index { get; }

    public GroupDesign Design { get; }

    public IReadOnlyList<Segment> Segments { get; internal set; } = [];

    public IReadOnlyList<Vm> Vms { get; internal set; } = [];

    public override string ToString() => Name;
}

/// <summary>A virtual machine.</summary>
public sealed class Vm
{
    internal Vm(string name, int index, AppGroup group)
    {
        Name = name;
        Index = index;
        Group = group;
    }

    public string Name { get; }

    /// <summary>0-based position among all VMs.</summary>
    public int Index { get; }

    public AppGroup Group { get; }

    public Host? Host { get; internal set; }

    public IReadOnlyList<Vnic> Vnics { get; internal set; } = [];

    public override string ToString() => Name;
}

/// <summary>A VM's virtual NIC on one network.</summary>
public sealed class Vnic
{
    public required Vm Vm { get; init; }

    public required Segment Segment { get; init; }

    /// <summary>0-based position among all vNICs.</summary>
    public required int Index { get; init; }

    /// <summary>Position among the VM's vNICs: eth0, eth1, ...</summary>
    public required int Slot { get; init; }

    public required MacAddress Mac { get; init; }

    public IPAddress? V4 { get; internal set; }

    public IPAddress? V6 { get; internal set; }

    public string Name => Vm.Name + "/eth" + Slot.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The service load balancer: speakers and the VIPs they announce.</summary>
public sealed class LoadBalancer
{
    public required LoadBalancerDesign Design { get; init; }

    public required IReadOnlyList<Host> Speakers { get; init; }

    public required IReadOnlyList<LbService> Services { get; init; }
}

/// <summary>A LoadBalancer service with its VIPs and the nodes hosting its endpoints.</summary>
public sealed class LbService
{
    public required string Name { get; init; }

    public IPAddress? VipV4 { get; init; }

    public IPAddress? VipV6 { get; init; }

    public required IReadOnlyList<Host> Endpoints { get; init; }
}
