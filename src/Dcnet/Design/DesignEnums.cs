namespace Dcnet.Design;

/// <summary>The platform the design targets.</summary>
public enum Platform
{
    [Token("ove"), Doc("OpenShift Virtualization: OVN-Kubernetes, Multus, NMState, MetalLB/FRR.")]
    Ove,

    [Token("azure-local"), Doc("Azure Local: Hyper-V, Network ATC, Microsoft SDN.")]
    AzureLocal,

    [Token("esc"), Doc("A managed NSX cloud (Swisscom Enterprise Service Cloud).")]
    Esc,

    [Token("vmware"), Doc("vSphere with NSX, the estate being migrated.")]
    Vmware,

    [Token("linux"), Doc("Plain Linux hosts: iproute2, Linux bridge, FRR.")]
    Linux,
}

/// <summary>An IP address family.</summary>
public enum IpFamily
{
    [Token("ipv4")]
    Ipv4,

    [Token("ipv6")]
    Ipv6,
}

/// <summary>How a network reaches its VMs or hosts.</summary>
public enum NetworkKind
{
    [Token("overlay"), Doc("A logical switch carried in GENEVE/VXLAN tunnels between hosts; no VLAN on the fabric.")]
    Overlay,

    [Token("localnet"), Doc("A bridged VLAN: VM ports on a host bridge, tagged on the host trunk and the fabric.")]
    Localnet,

    [Token("host-vlan"), Doc("A host VLAN interface (management, storage, live migration), tagged on the host trunk.")]
    HostVlan,
}

/// <summary>What a network is for.</summary>
public enum NetworkRole
{
    [Token("vm")]
    Vm,

    [Token("management")]
    Management,

    [Token("storage")]
    Storage,

    [Token("live-migration")]
    LiveMigration,

    [Token("overlay"), Doc("The tunnel endpoint (TEP) network that carries the GENEVE/VXLAN underlay.")]
    Overlay,
}

/// <summary>The traffic classes a host bond can carry.</summary>
public enum TrafficClass
{
    [Token("management")]
    Management,

    [Token("vm")]
    Vm,

    [Token("overlay")]
    Overlay,

    [Token("storage")]
    Storage,

    [Token("live-migration")]
    LiveMigration,
}

/// <summary>The overlay encapsulation.</summary>
public enum OverlayType
{
    [Token("geneve"), Doc("GENEVE (RFC 8926), UDP 6081, as OVN uses.")]
    Geneve,

    [Token("vxlan"), Doc("VXLAN (RFC 7348), UDP 4789.")]
    Vxlan,

    [Token("none"), Doc("No overlay: VM networks are VLANs.")]
    None,
}

/// <summary>A BGP timer profile.</summary>
public enum BgpProfile
{
    [Token("datacenter"), Doc("FRR 'frr defaults datacenter': keepalive 3 s, hold 9 s, connect retry 10 s, deterministic-med; MRAI 0.")]
    Datacenter,

    [Token("traditional"), Doc("FRR 'frr defaults traditional' (RFC 4271 timers): keepalive 60 s, hold 180 s, connect retry 120 s. FRR 8.4 keeps MRAI 0 here too.")]
    Traditional,
}

/// <summary>Whether fabric links carry addresses.</summary>
public enum LinkAddressing
{
    [Token("numbered"), Doc("Each link gets an IPv4 /31 and an IPv6 /127.")]
    Numbered,

    [Token("unnumbered"), Doc("BGP over IPv6 link-local addresses (RFC 8950 next hops); no link prefixes.")]
    Unnumbered,
}

/// <summary>How leaf AS numbers are assigned.</summary>
public enum LeafAsScheme
{
    [Token("per-leaf"), Doc("Every leaf has its own AS, counting up from leaf-base. The plan requires unique leaf ASNs.")]
    PerLeaf,

    [Token("per-pair"), Doc("Both leaves of an MLAG pair share an AS.")]
    PerPair,

    [Token("shared"), Doc("All leaves share one AS; needs allowas-in.")]
    Shared,
}

/// <summary>How a host attaches to its leaves.</summary>
public enum HostAttachment
{
    [Token("auto"), Doc("Dual-homed to an MLAG pair when the fabric has MLAG, else single-homed.")]
    Auto,

    [Token("pair"), Doc("Bond members alternate between two leaves.")]
    Pair,

    [Token("single"), Doc("Every NIC on one leaf.")]
    Single,
}

/// <summary>How VMs are spread over hosts.</summary>
public enum PlacementPolicy
{
    [Token("spread"), Doc("Round-robin: VM i on host i mod hosts, so a group's VMs land on different hosts.")]
    Spread,

    [Token("pack"), Doc("Fill each host up to max-vms-per-host before the next.")]
    Pack,
}

/// <summary>Allow, deny or reject.</summary>
public enum PolicyAction
{
    [Token("allow"), Doc("Let the traffic through (stateful: replies pass too).")]
    Allow,

    [Token("deny"), Doc("Drop silently.")]
    Deny,

    [Token("reject"), Doc("Deny and answer with a TCP RST or an ICMP unreachable, so clients fail fast instead of timing out.")]
    Reject,
}

/// <summary>An IP protocol in a policy rule.</summary>
public enum PolicyProtocol
{
    [Token("any")]
    Any,

    [Token("tcp")]
    Tcp,

    [Token("udp")]
    Udp,

    [Token("icmp"), Doc("ICMP for IPv4 and ICMPv6 for IPv6.")]
    Icmp,
}

/// <summary>ICMP messages a device can filter.</summary>
public enum IcmpKind
{
    [Token("frag-needed"), Doc("ICMPv4 type 3 code 4, destination unreachable: fragmentation needed.")]
    FragNeeded,

    [Token("packet-too-big"), Doc("ICMPv6 type 2, Packet Too Big.")]
    PacketTooBig,

    [Token("unreachable"), Doc("All other destination-unreachable messages.")]
    Unreachable,
}

/// <summary>How load-balancer VIPs are announced.</summary>
public enum LoadBalancerMode
{
    [Token("bgp"), Doc("Speakers announce each VIP as a /32 or /128 to their leaves.")]
    Bgp,

    [Token("l2"), Doc("One node answers ARP/NDP for each VIP.")]
    L2,
}

/// <summary>How IPv6 addresses reach VMs.</summary>
public enum Ipv6AddressMode
{
    [Token("stateful"), Doc("DHCPv6 leases (IA_NA).")]
    Stateful,

    [Token("slaac"), Doc("SLAAC from router advertisements; DHCPv6 only for options.")]
    Slaac,

    [Token("static"), Doc("Addresses written into the VM.")]
    Static,
}
