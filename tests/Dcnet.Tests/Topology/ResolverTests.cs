using System.Net;
using Dcnet.Tests.Support;
using Dcnet.Topology;
using Dcnet.Wire;

namespace Dcnet.Tests.Topology;

/// <summary>What the resolver makes of examples/lab-small.yaml, named and addressed exactly.</summary>
public class ResolverTests
{
    private static readonly Network Lab = Designs.Example("lab-small.yaml");

    [Fact]
    public void Devices_get_stable_names()
    {
        Assert.Equal(["spine-01", "spine-02"], Lab.Spines.Select(s => s.Name));
        Assert.Equal(["leaf-01", "leaf-02", "leaf-03", "leaf-04"], Lab.Leaves.Select(s => s.Name));
        Assert.Equal("worker-008", Lab.Hosts[^1].Name);
        Assert.Equal("vm-web-0001", Lab.Vms[0].Name);
    }

    [Fact]
    public void Asn_plan_gives_spines_one_as_and_each_leaf_its_own()
    {
        Assert.All(Lab.Spines, s => Assert.Equal(65000u, s.Asn.Value));
        Assert.Equal([65001u, 65002u, 65003u, 65004u], Lab.Leaves.Select(l => l.Asn.Value));
    }

    [Fact]
    public void Fabric_links_are_numbered_leaf_major_with_31s_and_127s()
    {
        Assert.Equal(8, Lab.FabricLinks.Count);
        var first = Lab.FabricLinks[0];
        Assert.Equal(("spine-01", "leaf-01"), (first.Spine.Name, first.Leaf.Name));
        Assert.Equal(IPNetwork.Parse("10.254.0.0/31"), first.PrefixV4);
        Assert.Equal(IPAddress.Parse("10.254.0.0"), first.SpineV4);
        Assert.Equal(IPAddress.Parse("10.254.0.1"), first.LeafV4);
        Assert.Equal(IPAddress.Parse("fd00:dc:fe::1"), first.LeafV6);
        var second = Lab.FabricLinks[1];
        Assert.Equal(("spine-02", "leaf-01", "10.254.0.2"), (second.Spine.Name, second.Leaf.Name, second.SpineV4!.ToString()));
        Assert.Equal(("swp1", "uplink2"), (second.SpineInterface, second.LeafInterface));
    }

    [Fact]
    public void Loopbacks_number_spines_then_leaves()
    {
        Assert.Equal("10.255.255.1", Lab.Spines[0].LoopbackV4!.ToString());
        Assert.Equal("10.255.255.3", Lab.Leaves[0].LoopbackV4!.ToString());
        Assert.Equal("fd00:dc:ff::6", Lab.Leaves[3].LoopbackV6!.ToString());
    }

    [Fact]
    public void Hosts_are_dual_homed_to_mlag_pairs_in_contiguous_blocks()
    {
        Assert.Equal(["leaf-01", "leaf-02"], Lab.Hosts[0].Leaves.Select(l => l.Name));
        Assert.Equal(["leaf-03", "leaf-04"], Lab.Hosts[4].Leaves.Select(l => l.Name));
        var bond0 = Lab.Hosts[0].Bonds[0];
        Assert.Equal([("ens1f0", "leaf-01", "swp1"), ("ens2f0", "leaf-02", "swp1")], bond0.Members.Select(m => (m.Name, m.Leaf!.Name, m.LeafPort!)));
        Assert.Equal(8, Lab.Leaves[0].HostPorts.Count);
    }

    [Fact]
    public void Bonds_trunk_the_vlans_of_the_traffic_they_carry()
    {
        var host = Lab.Hosts[0];
        Assert.Equal([10], host.Bonds[0].TaggedVlans.Select(v => (int)v.Value));
        Assert.Equal([20, 30], host.Bonds[1].TaggedVlans.Select(v => (int)v.Value));
        Assert.Equal(["bond0.10", "bond1.20", "bond1.30"], host.Interfaces.Select(i => i.Name));
    }

    [Fact]
    public void Host_addresses_follow_the_gateway_and_the_reserved_block()
    {
        // .1 is the gateway, .2 to .10 are reserved, so the first host is .11.
        Assert.Equal("192.168.10.11", Lab.Hosts[0].Interfaces[0].V4!.ToString());
        Assert.Equal("fd00:10::b", Lab.Hosts[0].Interfaces[0].V6!.ToString());
        Assert.Same(Lab.Hosts[0].Interfaces[0], Lab.Hosts[0].TunnelEndpoint);
    }

    [Fact]
    public void Vms_spread_round_robin_and_get_a_vnic_per_network()
    {
        var vm = Lab.FindVm("vm-web-0001")!;
        Assert.Equal("worker-001", vm.Host!.Name);
        Assert.Equal("worker-002", Lab.FindVm("vm-web-0002")!.Host!.Name);
        var nic = Assert.Single(vm.Vnics);
        Assert.Equal("frontend", nic.Segment.Name);
        Assert.Equal(MacAddress.Parse("02:dc:00:00:00:01"), nic.Mac);
        Assert.Equal("10.1.0.11", nic.V4!.ToString());
        Assert.Equal("fd00:1::b", nic.V6!.ToString());
        Assert.Equal(["frontend", "backend"], Lab.FindVm("vm-api-0001")!.Vnics.Select(v => v.Segment.Name));
    }

    [Fact]
    public void Overlay_networks_get_vnis_and_vlan_networks_do_not()
    {
        Assert.Equal(10000u, Lab.FindSegment("frontend")!.Vni);
        Assert.Null(Lab.FindSegment("management")!.Vni);
    }

    [Fact]
    public void Load_balancer_services_get_vips_and_endpoint_nodes()
    {
        var lb = Lab.LoadBalancer!;
        Assert.Equal(8, lb.Speakers.Count);
        Assert.Equal(4, lb.Services.Count);
        Assert.Equal(("svc-0001", "10.96.0.0", "fd00:96::"), (lb.Services[0].Name, lb.Services[0].VipV4!.ToString(), lb.Services[0].VipV6!.ToString()));
        Assert.Equal(["worker-001", "worker-002"], lb.Services[0].Endpoints.Select(h => h.Name));
    }

    [Fact]
    public void A_full_subnet_leaves_the_last_vms_without_an_address()
    {
        var n = Designs.Resolve(Designs.Minimal.Replace("ipv4: 10.1.0.0/24", "ipv4: 10.1.0.0/29", StringComparison.Ordinal));

        // A /29 has 6 usable addresses; the gateway and 9 reserved leave none.
        Assert.All(n.FindSegment("tenant")!.Vnics, v => Assert.Null(v.V4));
        Assert.Equal(4, n.FindSegment("tenant")!.UnaddressedV4);
    }

    [Fact]
    public void Seed_scenario_has_the_promised_shape()
    {
        var n = Designs.Example("dc-5000.yaml");
        Assert.Equal(5000, n.Vms.Count);
        Assert.Equal(200, n.Groups.Count);
        Assert.InRange(n.Hosts.Count, 95, 110);
        Assert.All(n.Hosts, h => Assert.Equal(2, h.Bonds.Count));
        Assert.All(n.Hosts.SelectMany(h => h.Bonds), b => Assert.Equal((Dcnet.Bonding.BondMode.Lacp, 2, 9000), (b.Mode, b.Members.Count, b.Mtu.Bytes)));
        Assert.All(n.Hosts.SelectMany(h => h.Nics), nic => Assert.Equal(Speed.Gigabits(25), nic.Speed));
        Assert.Equal(Dcnet.Design.OverlayType.Geneve, n.Design.Overlay.Type);
        Assert.All(n.Vnics, v => Assert.True(v.V4 is not null && v.V6 is not null));
    }
}
