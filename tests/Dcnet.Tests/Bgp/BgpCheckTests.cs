using Dcnet.Checks;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Bgp;

/// <summary>The BGP session checks, each on a design that sets up exactly its mistake.</summary>
public class BgpCheckTests
{
    private static string LabSmall => Repo.Read("examples", "lab-small.yaml");

    private static IReadOnlyList<Finding> Check(string yaml) => CheckReport.Run(Designs.Parse(yaml, "d.yaml")).Findings;

    [Fact]
    public void The_examples_have_no_bgp_findings()
    {
        Assert.DoesNotContain(CheckReport.Run(Repo.Path("examples", "lab-small.yaml")).Findings, f => f.Rule.Foundation == Foundation.Bgp);
        Assert.DoesNotContain(CheckReport.Run(Repo.Path("examples", "dc-5000.yaml")).Findings, f => f.Rule.Foundation == Foundation.Bgp);
    }

    [Fact]
    public void One_peer_asn_for_leaves_with_their_own_asns_is_refused_and_no_vip_is_announced()
    {
        var f = Assert.Single(Check(LabSmall.Replace("load-balancer:\n  asn: 64512", "load-balancer:\n  asn: 64512\n  peer-asn: 65001", StringComparison.Ordinal)), x => x.Id == "BGP002");
        Assert.Equal("load-balancer.peer-asn 65001: the speakers expect every leaf in AS 65001, but leaf-02 is AS 65002 (and 2 more leaves); 24 speaker sessions are refused with NOTIFICATION Bad Peer AS; 4 VIPs are announced by no node (10.96.0.2, fd00:96::2, 10.96.0.3, ...)", f.Message);
        Assert.Equal("d.yaml:67:13", f.Location.ToString());
    }

    [Fact]
    public void Bfd_on_the_leaves_but_not_on_the_speakers_falls_back_to_the_hold_timer()
    {
        var f = Assert.Single(Check(LabSmall.Replace("load-balancer:\n  asn: 64512", "load-balancer:\n  asn: 64512\n  bfd: false", StringComparison.Ordinal)), x => x.Id == "BGP003");
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal("32 sessions (first leaf-01/worker-001 ipv4) run BFD on one end only (leaf-01 yes, worker-001 no): BFD never comes up, so a failure is noticed when the 9s hold timer expires instead of after 900ms", f.Message);
    }

    [Fact]
    public void A_hold_time_of_zero_without_bfd_is_never_noticed()
    {
        var findings = Check(LabSmall.Replace("load-balancer:\n  asn: 64512", "load-balancer:\n  asn: 64512\n  bfd: false\n  hold-time: 0s", StringComparison.Ordinal)
            .Replace("bfd: { enabled: true", "bfd: { enabled: false", StringComparison.Ordinal));
        Assert.Contains(findings, x => x.Id == "BGP003" && x.Message.Contains("negotiate hold time 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Ipv6_vips_on_an_ipv4_fabric_have_no_leaf_session_and_are_not_announced()
    {
        var f = Assert.Single(Check(LabSmall.Replace("families: [ipv4, ipv6]", "families: [ipv4]", StringComparison.Ordinal)), x => x.Id == "BGP004");
        Assert.Equal("leaf-01 has no IPv6 session for worker-001: the fabric does not run IPv6 (fabric.families) (and 15 more IPv6 speaker-leaf pairs, 8 speakers in all); 4 VIPs are announced by no node (fd00:96::, fd00:96::1, fd00:96::2, ...)", f.Message);
        Assert.Equal("d.yaml:13:13", f.Location.ToString());
    }

    [Fact]
    public void Speakers_peering_on_a_network_the_fabric_does_not_route_have_no_session()
    {
        var f = Assert.Single(Check(LabSmall.Replace("role: management, vlan: 10,", "role: management, vlan: 10, routed: false,", StringComparison.Ordinal)), x => x.Id == "BGP004" && x.Message.Contains("IPv4", StringComparison.Ordinal));
        Assert.Contains("is not routed by the fabric (routed: false)", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vip_pool_inside_a_routed_network_hijacks_its_addresses()
    {
        var f = Assert.Single(Check(LabSmall.Replace("addresses: [10.96.0.0/28,", "addresses: [192.168.10.16/28,", StringComparison.Ordinal)), x => x.Id == "BGP005");
        Assert.Equal("VIP pool 'vips' 192.168.10.16/28 lies inside network 'management' 192.168.10.0/24, which the leaves originate: 4 VIPs (first 192.168.10.16 of svc-0001) win longest-prefix match fabric-wide as /32s, and 192.168.10.16 is also the address of worker-006/bond0.10, whose traffic now goes to the speakers", f.Message);
    }

    [Fact]
    public void Without_multipath_relax_a_spine_uses_one_leaf_for_a_network_every_leaf_originates()
    {
        var f = Assert.Single(Check(LabSmall.Replace("    bfd: { enabled: true, interval: 300ms, multiplier: 3 }", "    bfd: { enabled: true, interval: 300ms, multiplier: 3 }\n    multipath-relax: false", StringComparison.Ordinal)), x => x.Id == "BGP006");
        Assert.StartsWith("spine-01 uses 1 of 4 equal-length paths to 192.168.10.0/24", f.Message, StringComparison.Ordinal);
        Assert.EndsWith("without multipath-relax only paths from the best path's neighbour AS qualify", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Maximum_paths_below_the_fan_out_narrows_ecmp()
    {
        var f = Assert.Single(Check(LabSmall.Replace("    bfd: { enabled: true, interval: 300ms, multiplier: 3 }", "    bfd: { enabled: true, interval: 300ms, multiplier: 3 }\n    maximum-paths: 2", StringComparison.Ordinal)), x => x.Id == "BGP006");
        Assert.Contains("maximum-paths 2 caps the ECMP set", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leaf_peering_address_taken_by_a_host_is_an_error()
    {
        // A /27 management network: leaf-01 owns .30, the last usable address, which the 20th host interface also gets.
        string yaml = LabSmall.Replace("count: 8", "count: 20", StringComparison.Ordinal).Replace("ipv4: 192.168.10.0/24", "ipv4: 192.168.10.0/27", StringComparison.Ordinal)
            .Replace("workloads:\n  placement: spread", "workloads:\n  headroom: 0\n  placement: spread", StringComparison.Ordinal);
        var f = Assert.Single(Check(yaml), x => x.Id == "BGP002");
        Assert.Equal("leaf-01's BGP address 192.168.10.30 on 'management' (last usable address minus the leaf index) is also the address of worker-020/bond0.10: speakers that peer with leaf-01 reach worker-020/bond0.10 instead (and 3 more leaf addresses are taken)", f.Message);
    }
}
