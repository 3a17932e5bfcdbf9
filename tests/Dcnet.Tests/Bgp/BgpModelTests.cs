using System.Net;
using Dcnet.Bgp;
using Dcnet.Design;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Bgp;

/// <summary>The BGP model built from the resolved network: routers, sessions, originations and policies.</summary>
public class BgpModelTests
{
    internal static BgpModel LabSmall() => BgpModel.Build(Designs.Example("lab-small.yaml"));

    internal static BgpModel Lab(Func<string, string>? edit = null) =>
        BgpModel.Build(Designs.Resolve((edit ?? (s => s))(Repo.Read("tests", "Dcnet.Interop.Tests", "Bgp", "Fixtures", "bgp-lab.yaml"))));

    [Fact]
    public void Numbered_dual_stack_links_get_one_session_per_family_and_speakers_one_per_leaf_and_family()
    {
        var m = LabSmall();
        Assert.Equal(2 * 4 * 2, m.Sessions.Count(s => !s.IsSpeakerSession));
        Assert.Equal(8 * 2 * 2, m.Sessions.Count(s => s.IsSpeakerSession));
        Assert.All(m.Sessions, s => Assert.True(s.Establishes, s.Name));
        var s1 = m.Sessions.First(s => s.Name == "spine-01/leaf-01 ipv4");
        Assert.Equal("10.254.0.1", s1.A.PeerAddress!.ToString());
        Assert.Equal(new Asn(65001), s1.A.RemoteAs);
        Assert.Equal([IpFamily.Ipv4], s1.Families);
    }

    [Fact]
    public void Unnumbered_links_carry_both_families_on_one_interface_session()
    {
        var m = BgpModel.Build(Designs.Resolve(Repo.Read("tests", "Dcnet.Interop.Tests", "Bgp", "Fixtures", "bgp-lab-unnumbered.yaml")));
        var s = m.Sessions.First(x => x.Name == "spine-01/leaf-01");
        Assert.True(s.A.Unnumbered);
        Assert.Equal("swp1", s.A.Target);
        Assert.Equal("uplink1", s.B.Target);
        Assert.Equal([IpFamily.Ipv4, IpFamily.Ipv6], s.Families);
    }

    [Fact]
    public void A_leaf_peers_with_speakers_from_the_last_usable_address_minus_its_index()
    {
        var m = LabSmall();
        var n = m.Find("worker-001")!.Neighbors.Where(x => x.Families[0] == IpFamily.Ipv4).ToList();
        Assert.Equal(["leaf-01", "leaf-02"], n.Select(x => x.PeerName));
        Assert.Equal(["192.168.10.254", "192.168.10.253"], n.Select(x => x.PeerAddress!.ToString()));
        Assert.Equal("fd00:10::ffff:ffff:ffff:ffff", m.Find("worker-001")!.Neighbors.First(x => x.Families[0] == IpFamily.Ipv6).PeerAddress!.ToString());
        Assert.Equal("vlan10", m.Find("leaf-01")!.Neighbors.First(x => x.Kind == NeighborKind.LeafToSpeaker).Interface);
    }

    [Fact]
    public void Leaves_originate_loopbacks_and_routed_vlan_networks_but_not_overlays_and_speakers_their_vips()
    {
        var m = LabSmall();
        var leaf = m.Find("leaf-01")!;
        Assert.Equal(["10.255.255.3/32", "192.168.10.0/24", "192.168.20.0/24", "192.168.30.0/24"], leaf.Networks(IpFamily.Ipv4).Select(p => p.ToString()));
        Assert.DoesNotContain(leaf.Networks(IpFamily.Ipv4), p => p.ToString() == "10.1.0.0/24"); // the frontend overlay
        Assert.Equal(["10.255.255.1/32"], m.Find("spine-01")!.Networks(IpFamily.Ipv4).Select(p => p.ToString()));
        Assert.Equal(["10.96.0.0/32"], m.Find("worker-001")!.Networks(IpFamily.Ipv4).Select(p => p.ToString()));
        Assert.Equal(["fd00:96::/128"], m.Find("worker-001")!.Networks(IpFamily.Ipv6).Select(p => p.ToString()));
    }

    [Fact]
    public void A_network_with_routed_false_is_not_originated()
    {
        var m = BgpModel.Build(Designs.Resolve(Repo.Read("examples", "lab-small.yaml")
            .Replace("vlan: 20, ipv4: 192.168.20.0/24", "vlan: 20, routed: false, ipv4: 192.168.20.0/24", StringComparison.Ordinal)));
        Assert.DoesNotContain(m.Find("leaf-01")!.Networks(IpFamily.Ipv4), p => p.ToString() == "192.168.20.0/24");
    }

    [Fact]
    public void Policies_accept_vip_host_routes_from_speakers_and_announce_only_own_networks_and_vips_to_spines()
    {
        var m = LabSmall();
        var leaf = m.Find("leaf-01")!;
        var toSpine = leaf.Neighbors.First(n => n.Kind == NeighborKind.LeafToSpine).Export(IpFamily.Ipv4);
        var fromSpeaker = leaf.Neighbors.First(n => n.Kind == NeighborKind.LeafToSpeaker && n.Families[0] == IpFamily.Ipv4).Import(IpFamily.Ipv4);
        Assert.True(toSpine.Permits(IPNetwork.Parse("192.168.10.0/24"), ownNetwork: true));
        Assert.True(toSpine.Permits(IPNetwork.Parse("10.96.0.5/32"), ownNetwork: false));
        Assert.False(toSpine.Permits(IPNetwork.Parse("10.255.255.5/32"), ownNetwork: false));
        Assert.True(fromSpeaker.Permits(IPNetwork.Parse("10.96.0.5/32"), false));
        Assert.False(fromSpeaker.Permits(IPNetwork.Parse("10.96.0.0/28"), false));
        Assert.False(fromSpeaker.Permits(IPNetwork.Parse("0.0.0.0/0"), false));
        Assert.Equal(FilterAction.DenyAll, leaf.Neighbors.First(n => n.Kind == NeighborKind.LeafToSpeaker).Export(IpFamily.Ipv4).Action);
        Assert.Equal(FilterAction.DenyAll, m.Find("worker-001")!.Neighbors[0].Import(IpFamily.Ipv4).Action);
    }

    [Fact]
    public void Per_pair_leaf_asns_configure_allowas_in_on_the_uplinks()
    {
        var m = BgpModel.Build(Designs.Resolve(Repo.Read("tests", "Dcnet.Interop.Tests", "Bgp", "Fixtures", "bgp-lab-unnumbered.yaml")));
        Assert.Equal(m.Find("leaf-01")!.Asn, m.Find("leaf-02")!.Asn);
        Assert.All(m.Find("leaf-01")!.Neighbors.Where(n => n.Kind == NeighborKind.LeafToSpine), n => Assert.Equal(1, n.AllowAsIn));
        Assert.All(LabSmall().Find("leaf-01")!.Neighbors, n => Assert.Equal(0, n.AllowAsIn));
    }

    [Fact]
    public void Prefix_rules_match_as_frr_prefix_lists_do()
    {
        var exact = new PrefixRule(IPNetwork.Parse("10.0.0.0/24"));
        var hosts = PrefixRule.HostRoutesIn(IPNetwork.Parse("10.96.0.0/28"));
        Assert.True(exact.Matches(IPNetwork.Parse("10.0.0.0/24")));
        Assert.False(exact.Matches(IPNetwork.Parse("10.0.0.0/25")));
        Assert.Equal("10.96.0.0/28 ge 32", hosts.ToString());
        Assert.True(hosts.Matches(IPNetwork.Parse("10.96.0.15/32")));
        Assert.False(hosts.Matches(IPNetwork.Parse("10.96.0.16/32")));
        Assert.Equal("10.96.0.1/32", PrefixRule.HostRoutesIn(IPNetwork.Parse("10.96.0.1/32")).ToString());
        Assert.False(hosts.Matches(IPNetwork.Parse("fd00::/128")));
    }
}
