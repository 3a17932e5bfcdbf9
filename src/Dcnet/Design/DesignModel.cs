using System.Net;
using Dcnet.Bgp;
using Dcnet.Bonding;
using Dcnet.Vlans;
using Dcnet.Wire;

namespace Dcnet.Design;

/// <summary>A data-center design as the user wrote it, with defaults applied. Version 1 of the design file.</summary>
[Doc("A dcnet data-center design, version 1.")]
public sealed record DesignDocument : DesignNode
{
    [Key("version"), Doc("Design file format version."), Range(1, 1)]
    public int Version { get; init; } = 1;

    [Key("name"), Required, Doc("Name of the data center; used in reports and rendered file names.")]
    public string Name { get; init; } = "";

    [Key("description"), Doc("Free text for reports.")]
    public string? Description { get; init; }

    [Key("platform"), Required, Doc("The target platform.")]
    public Platform Platform { get; init; } = Platform.Linux;

    [Key("fabric"), Doc("The spine-leaf underlay.")]
    public FabricDesign Fabric { get; init; } = new();

    [Key("hosts"), Required, Doc("Host groups: servers with the same NICs, bonds and placement."), MaxItems(1000)]
    public IReadOnlyList<HostGroupDesign> Hosts { get; init; } = [];

    [Key("overlay"), Doc("The tunnel encapsulation for overlay networks.")]
    public OverlayDesign Overlay { get; init; } = new();

    [Key("networks"), Doc("L2/L3 networks: VM networks, host VLANs and the tunnel network."), MaxItems(20000)]
    public IReadOnlyList<NetworkDesign> Networks { get; init; } = [];

    [Key("workloads"), Doc("The VMs, their app groups and placement.")]
    public WorkloadsDesign Workloads { get; init; } = new();

    [Key("policy"), Doc("Micro-segmentation intent and explicit rules.")]
    public PolicyDesign Policy { get; init; } = new();

    [Key("dns"), Doc("DNS zones and record lifecycle.")]
    public DnsDesign Dns { get; init; } = new();

    [Key("dhcp"), Doc("DHCP servers and leases.")]
    public DhcpDesign Dhcp { get; init; } = new();

    [Key("load-balancer"), Doc("MetalLB-style service VIPs announced from the hosts.")]
    public LoadBalancerDesign? LoadBalancer { get; init; }

    [Key("traffic-profile"), Doc("The traffic dcnet assumes when it predicts how bonds spread load (dcnet bonds, the bonding checks).")]
    public TrafficProfileDesign TrafficProfile { get; init; } = new();

    /// <summary>The path the design was read from, as given by the user (used in messages and SARIF).</summary>
    public string SourcePath { get; internal init; } = "";
}

/// <summary>The spine-leaf fabric.</summary>
public sealed record FabricDesign : DesignNode
{
    [Key("spines"), Doc("Number of spine switches."), Range(1, 64, Why = "a 3-stage Clos with more than 64 spines is out of scope")]
    public int Spines { get; init; } = 2;

    [Key("leaves"), Doc("Number of leaf switches."), Range(1, 512, Why = "a 3-stage Clos beyond 512 leaves needs a super-spine tier")]
    public int Leaves { get; init; } = 4;

    [Key("mlag"), Doc("Pair consecutive leaves (leaf-01/leaf-02, ...) into MLAG pairs.")]
    public bool Mlag { get; init; }

    [Key("mlag-pairs"), Doc("Explicit MLAG pairs, each a list of two leaf names; overrides the consecutive pairing.")]
    public IReadOnlyList<IReadOnlyList<string>>? MlagPairs { get; init; }

    [Key("asn"), Doc("The AS number plan.")]
    public AsnPlanDesign Asn { get; init; } = new();

    [Key("uplink-speed"), Doc("Speed of each leaf-spine link.")]
    public Speed UplinkSpeed { get; init; } = Speed.Gigabits(100);

    [Key("port-mtu"), Doc("L3 MTU of every switch port (fabric links and host-facing ports).")]
    public Mtu PortMtu { get; init; } = new(9216);

    [Key("addressing"), Doc("Numbered (/31 and /127 per link) or unnumbered fabric links.")]
    public LinkAddressing Addressing { get; init; } = LinkAddressing.Numbered;

    [Key("families"), Doc("Address families of the underlay."), MaxItems(2)]
    public IReadOnlyList<IpFamily> Families { get; init; } = [IpFamily.Ipv4];

    [Key("ipv4-p2p"), Doc("Pool for IPv4 /31 link prefixes.")]
    public IPNetwork Ipv4P2p { get; init; } = IPNetwork.Parse("10.254.0.0/16");

    [Key("ipv6-p2p"), Doc("Pool for IPv6 /127 link prefixes.")]
    public IPNetwork Ipv6P2p { get; init; } = IPNetwork.Parse("fd00:dc:fe::/48");

    [Key("ipv4-loopbacks"), Doc("Pool for IPv4 /32 loopbacks (router ids).")]
    public IPNetwork Ipv4Loopbacks { get; init; } = IPNetwork.Parse("10.255.255.0/24");

    [Key("ipv6-loopbacks"), Doc("Pool for IPv6 /128 loopbacks.")]
    public IPNetwork Ipv6Loopbacks { get; init; } = IPNetwork.Parse("fd00:dc:ff::/64");

    [Key("bgp"), Doc("BGP timers, BFD and path selection.")]
    public BgpDesign Bgp { get; init; } = new();

    [Key("border-leaves"), Doc("Leaves that connect to the outside (north-south); default: the first leaf, or the first MLAG pair.")]
    public IReadOnlyList<string>? BorderLeaves { get; init; }

    [Key("external-mtu"), Doc("MTU of the links beyond the border leaves (north-south): traffic to external addresses crosses it.")]
    public Mtu ExternalMtu { get; init; } = Mtu.Ethernet;

    [Key("icmp-filters"), Doc("Where ICMP errors are dropped: the classic PMTUD black hole.")]
    public IReadOnlyList<IcmpFilterDesign> IcmpFilters { get; init; } = [];
}

/// <summary>First-hop security on the leaf ports a host group is cabled to.</summary>
public sealed record SwitchPortsDesign : DesignNode
{
    [Key("dynamic-arp-inspection"), Doc("The leaves drop ARP whose sender MAC/IP pair is not in their DHCP-snooping or static binding table.")]
    public bool DynamicArpInspection { get; init; }

    [Key("port-security"), Doc("The leaves limit and pin the source MACs each host port may use.")]
    public bool PortSecurity { get; init; }
}

/// <summary>The AS number plan.</summary>
public sealed record AsnPlanDesign : DesignNode
{
    [Key("spine"), Doc("The AS shared by all spines.")]
    public Asn Spine { get; init; } = new(65000);

    [Key("leaf-scheme"), Doc("How leaf ASNs are assigned.")]
    public LeafAsScheme LeafScheme { get; init; } = LeafAsScheme.PerLeaf;

    [Key("leaf-base"), Doc("The first leaf AS; later leaves (or pairs) count up from it.")]
    public Asn LeafBase { get; init; } = new(65001);

    [Key("leaves"), Doc("Explicit leaf ASNs in leaf order; overrides leaf-base.")]
    public IReadOnlyList<Asn>? Leaves { get; init; }
}

/// <summary>BGP session parameters.</summary>
public sealed record BgpDesign : DesignNode
{
    [Key("profile"), Doc("Timer profile.")]
    public BgpProfile Profile { get; init; } = BgpProfile.Datacenter;

    [Key("bfd"), Doc("Bidirectional Forwarding Detection on every session.")]
    public BfdDesign Bfd { get; init; } = new();

    [Key("multipath-relax"), Doc("ECMP across paths from different neighbour ASes ('bgp bestpath as-path multipath-relax').")]
    public bool MultipathRelax { get; init; } = true;

    [Key("maximum-paths"), Doc("Most ECMP paths installed."), Range(1, 256)]
    public int MaximumPaths { get; init; } = 64;

    [Key("compare-routerid"), Doc("Break ties between equal eBGP paths by the lower router id instead of keeping the oldest ('bgp bestpath compare-routerid'), so the fabric's best paths depend on its configuration, not on the order sessions came up.")]
    public bool CompareRouterId { get; init; } = true;
}

/// <summary>BFD timers.</summary>
public sealed record BfdDesign : DesignNode
{
    [Key("enabled"), Doc("Run BFD on BGP sessions.")]
    public bool Enabled { get; init; } = true;

    [Key("interval"), Doc("Transmit and receive interval.")]
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(300);

    [Key("multiplier"), Doc("Missed packets before the session is declared down."), Range(2, 255)]
    public int Multiplier { get; init; } = 3;
}

/// <summary>A place where ICMP errors are filtered.</summary>
public sealed record IcmpFilterDesign : DesignNode
{
    [Key("at"), Required, Doc("Device name or glob (leaf-*, spine-01, worker-*) or 'border' for the north-south edge.")]
    public string At { get; init; } = "";

    [Key("drops"), Doc("The ICMP messages dropped there.")]
    public IReadOnlyList<IcmpKind> Drops { get; init; } = [IcmpKind.FragNeeded, IcmpKind.PacketTooBig];
}

/// <summary>A group of identical hosts.</summary>
public sealed record HostGroupDesign : DesignNode
{
    [Key("name"), Required, Doc("Group name; hosts are named NAME-001, NAME-002, ...")]
    public string Name { get; init; } = "";

    [Key("count"), Required, Doc("Number of hosts."), Range(1, 20000, Why = "a design holds at most 20,000 hosts")]
    public int Count { get; init; }

    [Key("cluster"), Doc("Live-migration domain; hosts of one cluster must all carry the same VM networks. Default: the group name.")]
    public string? Cluster { get; init; }

    [Key("leaves"), Doc("Leaves (names or globs like leaf-0*) the hosts are spread over, in blocks. Default: all leaves.")]
    public IReadOnlyList<string>? Leaves { get; init; }

    [Key("attach"), Doc("Dual-homed to a leaf pair or single-homed.")]
    public HostAttachment Attach { get; init; } = HostAttachment.Auto;

    [Key("nics"), Required, Doc("Physical NICs, in slot order."), MaxItems(64)]
    public IReadOnlyList<NicDesign> Nics { get; init; } = [];

    [Key("bonds"), Doc("Bonds over the NICs."), MaxItems(32)]
    public IReadOnlyList<BondDesign> Bonds { get; init; } = [];

    [Key("max-vms"), Doc("Most VMs a host of this group runs (used by the pack policy and capacity checks)."), Range(1, 10000)]
    public int? MaxVms { get; init; }

    [Key("overrides"), Doc("Per-host drift from the group template (a VLAN missing from one trunk, a different MTU).")]
    public IReadOnlyList<HostOverrideDesign> Overrides { get; init; } = [];

    [Key("switch-ports"), Doc("Security features of the leaf ports the group's hosts are cabled to.")]
    public SwitchPortsDesign SwitchPorts { get; init; } = new();
}

/// <summary>A physical NIC port.</summary>
public sealed record NicDesign : DesignNode
{
    [Key("name"), Required, Doc("Interface name, e.g. ens1f0.")]
    public string Name { get; init; } = "";

    [Key("speed"), Doc("Port speed.")]
    public Speed Speed { get; init; } = Speed.Gigabits(25);

    [Key("mtu"), Doc("Interface MTU; default: the MTU of its bond.")]
    public Mtu? Mtu { get; init; }
}

/// <summary>A Linux bond (or its equivalent on the platform: a Hyper-V SET team, an NSX uplink profile).</summary>
public sealed record BondDesign : DesignNode
{
    [Key("name"), Required, Doc("Bond name, e.g. bond0.")]
    public string Name { get; init; } = "";

    [Key("mode"), Doc("Bonding mode.")]
    public BondMode Mode { get; init; } = BondMode.Lacp;

    [Key("xmit-hash-policy"), Doc("Transmit hash policy (balance-xor, 802.3ad, balance-tlb/alb).")]
    public XmitHashPolicy XmitHashPolicy { get; init; } = XmitHashPolicy.Layer34;

    [Key("miimon"), Doc("MII link monitoring interval; 0 disables it.")]
    public TimeSpan Miimon { get; init; } = TimeSpan.FromMilliseconds(100);

    [Key("updelay"), Doc("Wait after link up before using a member.")]
    public TimeSpan Updelay { get; init; } = TimeSpan.Zero;

    [Key("downdelay"), Doc("Wait after link down before disabling a member.")]
    public TimeSpan Downdelay { get; init; } = TimeSpan.Zero;

    [Key("lacp-rate"), Doc("LACPDU rate requested from the partner (802.3ad).")]
    public LacpRate LacpRate { get; init; } = LacpRate.Fast;

    [Key("members"), Required, Doc("NIC names enslaved to the bond."), MaxItems(16)]
    public IReadOnlyList<string> Members { get; init; } = [];

    [Key("mtu"), Doc("Bond MTU.")]
    public Mtu Mtu { get; init; } = new(9000);

    [Key("carries"), Required, Doc("Traffic classes on this bond.")]
    public IReadOnlyList<TrafficClass> Carries { get; init; } = [];

    [Key("native-vlan"), Doc("VLAN sent untagged on this bond, if any.")]
    public VlanId? NativeVlan { get; init; }

    [Key("arp-interval"), Doc("ARP link monitoring interval (arp_interval); 0 disables it. An alternative to miimon that also sees silent failures beyond the first switch.")]
    public TimeSpan ArpInterval { get; init; } = TimeSpan.Zero;

    [Key("arp-ip-targets"), Doc("Addresses the ARP monitor probes (arp_ip_target), typically the gateway.")]
    public IReadOnlyList<IPAddress> ArpIpTargets { get; init; } = [];

    [Key("arp-missed-max"), Doc("ARP monitor intervals without a reply before a member is declared down (arp_missed_max)."), Range(1, 255)]
    public int ArpMissedMax { get; init; } = 2;

    [Key("tlb-dynamic-lb"), Doc("balance-tlb/alb: place flows on the least loaded member and rebalance every 10 s (tlb_dynamic_lb=1); false hashes them like balance-xor.")]
    public bool TlbDynamicLb { get; init; } = true;
}

/// <summary>Per-host drift from its group.</summary>
public sealed record HostOverrideDesign : DesignNode
{
    [Key("host"), Required, Doc("Host name, e.g. worker-017.")]
    public string Host { get; init; } = "";

    [Key("bond"), Required, Doc("Bond on that host.")]
    public string Bond { get; init; } = "";

    [Key("remove-vlans"), Doc("VLANs missing from this host's trunk.")]
    public IReadOnlyList<VlanId> RemoveVlans { get; init; } = [];

    [Key("mtu"), Doc("A different bond MTU on this host.")]
    public Mtu? Mtu { get; init; }

    [Key("switch-native-vlan"), Doc("The native VLAN configured on this host's switch ports, when it differs from the bond's.")]
    public VlanId? SwitchNativeVlan { get; init; }
}

/// <summary>The overlay.</summary>
public sealed record OverlayDesign : DesignNode
{
    [Key("type"), Doc("Encapsulation.")]
    public OverlayType Type { get; init; } = OverlayType.Geneve;

    [Key("underlay-family"), Doc("Address family of the outer (tunnel) header.")]
    public IpFamily UnderlayFamily { get; init; } = IpFamily.Ipv4;

    [Key("geneve-option-bytes"), Doc("Bytes of GENEVE options per packet; OVN adds one 8-byte option (class 0x0102) for its logical port keys."), Range(0, 252)]
    public int GeneveOptionBytes { get; init; } = 8;

    [Key("tunnel-network"), Doc("Network that holds the tunnel endpoints. Default: the network with role overlay, else the management network.")]
    public string? TunnelNetwork { get; init; }

    [Key("source-port-entropy"), Doc("The tunnel endpoints put a hash of the inner flow in the outer UDP source port (RFC 7348 section 5, RFC 8926 section 3.3). Default: per platform (see docs/bonding.md).")]
    public bool? SourcePortEntropy { get; init; }

    [Key("gateway-hosts"), Doc("Hosts (names or globs) that terminate north-south traffic of overlay networks: OVN gateway chassis, NSX edges. Default: hosts on border leaves that run no VMs.")]
    public IReadOnlyList<string>? GatewayHosts { get; init; }
}

/// <summary>A network: a VM network (overlay or bridged VLAN) or a host VLAN.</summary>
public sealed record NetworkDesign : DesignNode
{
    [Key("name"), Required, Doc("Network name.")]
    public string Name { get; init; } = "";

    [Key("kind"), Required, Doc("How the network is carried.")]
    public NetworkKind Kind { get; init; }

    [Key("role"), Doc("What the network is for.")]
    public NetworkRole Role { get; init; } = NetworkRole.Vm;

    [Key("vlan"), Doc("802.1Q VLAN id (localnet and host-vlan).")]
    public VlanId? Vlan { get; init; }

    [Key("ipv4"), Doc("IPv4 prefix.")]
    public IPNetwork? Ipv4 { get; init; }

    [Key("ipv6"), Doc("IPv6 prefix.")]
    public IPNetwork? Ipv6 { get; init; }

    [Key("mtu"), Doc("MTU of the network as its VMs or host interfaces see it. Default: 1500 for VM networks, the bond MTU for host VLANs.")]
    public Mtu? Mtu { get; init; }

    [Key("gateway4"), Doc("IPv4 gateway. Default: the first address of the prefix.")]
    public IPAddress? Gateway4 { get; init; }

    [Key("gateway6"), Doc("IPv6 gateway. Default: the first address of the prefix.")]
    public IPAddress? Gateway6 { get; init; }

    [Key("reserved"), Doc("Addresses after the gateway kept for infrastructure (not handed to hosts or VMs)."), Range(0, 65536)]
    public int Reserved { get; init; } = 9;

    [Key("dhcp"), Doc("Addresses are leased by DHCP (and DHCPv6) rather than written statically.")]
    public bool Dhcp { get; init; }

    [Key("routed"), Doc("The fabric routes this network (the leaves originate it in BGP).")]
    public bool Routed { get; init; } = true;
}

/// <summary>Workloads.</summary>
public sealed record WorkloadsDesign : DesignNode
{
    [Key("vms"), Doc("Total VMs; split evenly over generated groups after explicit groups take theirs."), Range(0, 2_000_000, Why = "a design holds at most 2,000,000 VMs")]
    public int? Vms { get; init; }

    [Key("host-groups"), Doc("Host groups that run VMs. Default: every group with a bond that carries vm traffic.")]
    public IReadOnlyList<string>? HostGroups { get; init; }

    [Key("placement"), Doc("How VMs are spread over hosts.")]
    public PlacementPolicy Placement { get; init; } = PlacementPolicy.Spread;

    [Key("headroom"), Doc("Percent of each subnet kept free for growth; a subnet fuller than this is flagged."), Range(0, 90)]
    public int Headroom { get; init; } = 20;

    [Key("groups"), Doc("App groups: generated (count and pattern) or explicit (name)."), MaxItems(100000)]
    public IReadOnlyList<GroupDesign> Groups { get; init; } = [];
}

/// <summary>An app group, or a generated family of them.</summary>
public sealed record GroupDesign : DesignNode
{
    [Key("name"), Doc("An explicit group's name.")]
    public string? Name { get; init; }

    [Key("pattern"), Doc("Name pattern of generated groups; {n} is the 1-based number, {n:03} zero-pads it.")]
    public string? Pattern { get; init; }

    [Key("count"), Doc("How many groups the pattern generates."), Range(1, 100000, Why = "a design holds at most 100,000 app groups")]
    public int? Count { get; init; }

    [Key("vms"), Doc("VMs in this explicit group."), Range(0, 2_000_000, Why = "a design holds at most 2,000,000 VMs")]
    public int? Vms { get; init; }

    [Key("vms-per-group"), Doc("VMs in each generated group; default: an even share of workloads.vms."), Range(0, 100000)]
    public int? VmsPerGroup { get; init; }

    [Key("networks"), Doc("Networks every VM of the group attaches to (one vNIC each).")]
    public IReadOnlyList<string> Networks { get; init; } = [];

    [Key("networks-round-robin"), Doc("Generated group i attaches to entry i mod length, besides 'networks'.")]
    public IReadOnlyList<string> NetworksRoundRobin { get; init; } = [];
}

/// <summary>Segmentation intent.</summary>
public sealed record PolicyDesign : DesignNode
{
    [Key("within-group"), Doc("Traffic between VMs of the same group.")]
    public PolicyAction WithinGroup { get; init; } = PolicyAction.Allow;

    [Key("between-groups"), Doc("Traffic between VMs of different groups unless a rule allows it.")]
    public PolicyAction BetweenGroups { get; init; } = PolicyAction.Deny;

    [Key("families"), Doc("Families the intent is enforced for. Leaving out ipv6 leaves IPv6 open."), MaxItems(2)]
    public IReadOnlyList<IpFamily> Families { get; init; } = [IpFamily.Ipv4, IpFamily.Ipv6];

    [Key("rules"), Doc("Explicit rules, highest priority first."), MaxItems(200000)]
    public IReadOnlyList<PolicyRuleDesign> Rules { get; init; } = [];
}

/// <summary>An explicit segmentation rule.</summary>
public sealed record PolicyRuleDesign : DesignNode
{
    [Key("name"), Doc("Rule name for reports.")]
    public string? Name { get; init; }

    [Key("from"), Required, Doc("Source group name, a glob, '*' or 'external'.")]
    public string From { get; init; } = "";

    [Key("to"), Required, Doc("Destination group name, a glob, '*' or 'external'.")]
    public string To { get; init; } = "";

    [Key("protocol"), Doc("IP protocol.")]
    public PolicyProtocol Protocol { get; init; } = PolicyProtocol.Any;

    [Key("ports"), Doc("Destination ports or ranges ('443', '8000-8100'); empty means all.")]
    public IReadOnlyList<string> Ports { get; init; } = [];

    [Key("families"), Doc("Address families the rule applies to."), MaxItems(2)]
    public IReadOnlyList<IpFamily> Families { get; init; } = [IpFamily.Ipv4, IpFamily.Ipv6];

    [Key("action"), Doc("Allow, deny or reject.")]
    public PolicyAction Action { get; init; } = PolicyAction.Allow;
}

/// <summary>DNS.</summary>
public sealed record DnsDesign : DesignNode
{
    [Key("zone"), Doc("Forward zone VM and host records live in.")]
    public string Zone { get; init; } = "dc.example.internal";

    [Key("servers"), Doc("DNS server addresses.")]
    public IReadOnlyList<IPAddress> Servers { get; init; } = [];

    [Key("reverse-zones"), Doc("Maintain in-addr.arpa and ip6.arpa zones for every prefix.")]
    public bool ReverseZones { get; init; } = true;

    [Key("ttl"), Doc("Record TTL.")]
    public TimeSpan Ttl { get; init; } = TimeSpan.FromMinutes(5);

    [Key("dynamic-updates"), Doc("DHCP servers update DNS (RFC 2136) when they lease.")]
    public bool DynamicUpdates { get; init; } = true;

    [Key("cleanup-on-delete"), Doc("Records are removed when a VM is deleted.")]
    public bool CleanupOnDelete { get; init; } = true;
}

/// <summary>DHCP.</summary>
public sealed record DhcpDesign : DesignNode
{
    [Key("servers"), Doc("DHCP server addresses (relays on the leaves forward to them).")]
    public IReadOnlyList<IPAddress> Servers { get; init; } = [];

    [Key("lease-time"), Doc("Valid lifetime of a lease.")]
    public TimeSpan LeaseTime { get; init; } = TimeSpan.FromHours(24);

    [Key("ipv6-mode"), Doc("How VMs get IPv6 addresses.")]
    public Ipv6AddressMode Ipv6Mode { get; init; } = Ipv6AddressMode.Stateful;

    [Key("release-on-delete"), Doc("The lease is released when a VM is deleted (not left to expire).")]
    public bool ReleaseOnDelete { get; init; } = true;
}

/// <summary>Service load balancer.</summary>
public sealed record LoadBalancerDesign : DesignNode
{
    [Key("mode"), Doc("BGP or layer-2 announcement.")]
    public LoadBalancerMode Mode { get; init; } = LoadBalancerMode.Bgp;

    [Key("asn"), Doc("AS of the speakers.")]
    public Asn Asn { get; init; } = new(64512);

    [Key("pools"), Required, Doc("VIP pools."), MaxItems(1000)]
    public IReadOnlyList<VipPoolDesign> Pools { get; init; } = [];

    [Key("bfd"), Doc("BFD between speakers and leaves.")]
    public bool Bfd { get; init; } = true;

    [Key("services"), Doc("Number of LoadBalancer services (VIPs per family)."), Range(0, 100000)]
    public int Services { get; init; }

    [Key("speakers"), Doc("Host group whose hosts run speakers. Default: the first host group.")]
    public string? Speakers { get; init; }

    [Key("endpoints-per-service"), Doc("Nodes hosting each service's endpoints; those announce its VIP."), Range(1, 64)]
    public int EndpointsPerService { get; init; } = 2;

    [Key("peer-network"), Doc("Host network the speakers peer from: each speaker peers with every leaf it is attached to, at the leaf's own address on this network. Default: the network with role management.")]
    public string? PeerNetwork { get; init; }

    [Key("peer-asn"), Doc("The AS the speakers expect their leaves to have (one MetalLB BGPPeer peerASN for all). Default: each leaf's own AS.")]
    public Asn? PeerAsn { get; init; }

    [Key("hold-time"), Doc("Hold time the speakers propose (MetalLB BGPPeer holdTime). Default: the fabric's BGP profile.")]
    public TimeSpan? HoldTime { get; init; }

    [Key("keepalive-time"), Doc("Keepalive interval of the speakers (MetalLB BGPPeer keepaliveTime). Default: the fabric's BGP profile.")]
    public TimeSpan? KeepaliveTime { get; init; }
}

/// <summary>A VIP pool.</summary>
public sealed record VipPoolDesign : DesignNode
{
    [Key("name"), Required, Doc("Pool name.")]
    public string Name { get; init; } = "";

    [Key("addresses"), Required, Doc("Prefixes the pool hands out.")]
    public IReadOnlyList<IPNetwork> Addresses { get; init; } = [];
}

/// <summary>The traffic behind dcnet's bond load predictions; every flow is derived from the design (docs/bonding.md).</summary>
public sealed record TrafficProfileDesign : DesignNode
{
    [Key("north-south"), Doc("VMs talking through their gateway to clients outside.")]
    public NorthSouthProfileDesign NorthSouth { get; init; } = new();

    [Key("east-west"), Doc("VMs talking to VMs of their app group on other hosts.")]
    public EastWestProfileDesign EastWest { get; init; } = new();

    [Key("storage"), Doc("Storage replication from every host with a storage network to its peers.")]
    public StorageProfileDesign Storage { get; init; } = new();

    [Key("live-migration"), Doc("Live migrations leaving every host.")]
    public LiveMigrationProfileDesign LiveMigration { get; init; } = new();
}

/// <summary>North-south traffic per VM.</summary>
public sealed record NorthSouthProfileDesign : DesignNode
{
    [Key("connections-per-vm"), Doc("TCP connections each VM vNIC keeps to the outside; 0 turns north-south traffic off."), Range(0, 1000)]
    public int ConnectionsPerVm { get; init; } = 4;

    [Key("rate-per-vm"), Doc("Traffic each VM vNIC sends north, shared by its connections; the gateway host sends as much back.")]
    public Speed RatePerVm { get; init; } = new(20_000_000);

    [Key("peer-ipv4"), Doc("The outside address the connections go to (IPv4).")]
    public IPAddress PeerIpv4 { get; init; } = IPAddress.Parse("203.0.113.10");

    [Key("peer-ipv6"), Doc("The outside address the connections go to (IPv6).")]
    public IPAddress PeerIpv6 { get; init; } = IPAddress.Parse("2001:db8::10");

    [Key("port"), Doc("Destination port of the connections."), Range(1, 65535)]
    public int Port { get; init; } = 443;
}

/// <summary>East-west traffic per VM.</summary>
public sealed record EastWestProfileDesign : DesignNode
{
    [Key("peers-per-vm"), Doc("VMs of the same app group each VM vNIC talks to, one connection each; 0 turns east-west traffic off."), Range(0, 1000)]
    public int PeersPerVm { get; init; } = 4;

    [Key("rate-per-vm"), Doc("Traffic each VM vNIC sends east-west, shared by its peers.")]
    public Speed RatePerVm { get; init; } = new(50_000_000);

    [Key("port"), Doc("Destination port of the connections."), Range(1, 65535)]
    public int Port { get; init; } = 8080;
}

/// <summary>Storage replication.</summary>
public sealed record StorageProfileDesign : DesignNode
{
    [Key("replicas"), Doc("Peers each host replicates its writes to (Ceph size 3 means 2 peers); 0 turns storage traffic off."), Range(0, 16)]
    public int Replicas { get; init; } = 2;

    [Key("connections-per-peer"), Doc("TCP connections from a host to each replica peer."), Range(1, 64)]
    public int ConnectionsPerPeer { get; init; } = 1;

    [Key("rate"), Doc("Replication traffic each host sends, shared by its peers.")]
    public Speed Rate { get; init; } = Speed.Gigabits(10);

    [Key("port"), Doc("Destination port (Ceph OSDs listen from 6800)."), Range(1, 65535)]
    public int Port { get; init; } = 6800;
}

/// <summary>Live migration.</summary>
public sealed record LiveMigrationProfileDesign : DesignNode
{
    [Key("concurrent"), Doc("Migrations leaving each host at once; 0 turns migration traffic off."), Range(0, 64)]
    public int Concurrent { get; init; } = 1;

    [Key("streams"), Doc("TCP connections per migration (KubeVirt and libvirt: 1 unless parallel migration is configured)."), Range(1, 64)]
    public int Streams { get; init; } = 1;

    [Key("rate"), Doc("What a migration would send if nothing limited it. Default: the speed of the bond.")]
    public Speed? Rate { get; init; }

    [Key("vm-memory-gib"), Doc("Memory of a migrating VM, for the migration-time figures."), Range(1, 65536)]
    public int VmMemoryGib { get; init; } = 16;

    [Key("port"), Doc("Destination port (libvirt/QEMU migration ports start at 49152)."), Range(1, 65535)]
    public int Port { get; init; } = 49152;
}
