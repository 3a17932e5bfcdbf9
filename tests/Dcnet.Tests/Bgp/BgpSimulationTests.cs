using System.Net;
using Dcnet.Bgp;
using Dcnet.Design;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Bgp;

/// <summary>What every router ends up with, and what changes when something fails.</summary>
public class BgpSimulationTests
{
    private static (BgpModel Model, BgpOutcome Outcome) Converged(BgpModel? model = null)
    {
        model ??= BgpModelTests.LabSmall();
        return (model, BgpSimulation.Prepare(model).Converge());
    }

    private static RibEntry Entry(BgpOutcome o, string router, string prefix) =>
        o.Rib(o.Model.Find(router)!, prefix.Contains(':', StringComparison.Ordinal) ? IpFamily.Ipv6 : IpFamily.Ipv4).Find(IPNetwork.Parse(prefix))
        ?? throw new InvalidOperationException($"{router} has no route to {prefix}");

    [Fact]
    public void A_spine_load_balances_a_stretched_network_over_every_leaf_with_multipath_relax()
    {
        var (_, o) = Converged();
        var e = Entry(o, "spine-01", "192.168.10.0/24");
        Assert.Equal(["leaf-01", "leaf-02", "leaf-03", "leaf-04"], e.Ecmp.Select(p => p.Peer.Hostname));
        Assert.Equal("leaf-01", e.Best!.Peer.Hostname); // lowest router id, with compare-routerid
        Assert.Equal("Router ID", e.Reason.Text());
    }

    [Fact]
    public void A_leaf_ecmps_over_both_spines_and_never_keeps_its_own_prefix_back_from_them()
    {
        var (_, o) = Converged();
        var e = Entry(o, "leaf-03", "10.255.255.3/32");
        Assert.Equal(["65000 65001", "65000 65001"], e.Ecmp.Select(p => p.AsPathText));
        Assert.Equal(["spine-01", "spine-02"], e.Ecmp.Select(p => p.Peer.Hostname));
        var own = Entry(o, "leaf-01", "10.255.255.3/32");
        Assert.Single(own.Paths);
        Assert.True(own.Best!.IsLocal);
    }

    [Fact]
    public void The_med_survives_one_ebgp_hop_only()
    {
        var (_, o) = Converged();
        Assert.True(Entry(o, "spine-01", "10.255.255.3/32").Best!.HasMed);
        Assert.False(Entry(o, "leaf-03", "10.255.255.3/32").Best!.HasMed);
    }

    [Fact]
    public void A_vip_is_ecmp_over_its_local_endpoints_and_three_hops_away_elsewhere()
    {
        var (_, o) = Converged();
        var local = Entry(o, "leaf-01", "10.96.0.0/32");
        Assert.Equal(["worker-001", "worker-002"], local.Ecmp.Select(p => p.Peer.Hostname));
        Assert.Equal("192.168.10.11", local.Best!.Peer.NextHopText);
        var remote = Entry(o, "leaf-03", "10.96.0.0/32");
        Assert.Equal("65000 65001 64512", remote.Best!.AsPathText);
        var speaker = o.Rib(o.Model.Find("worker-001")!, IpFamily.Ipv4);
        Assert.Equal(["10.96.0.0/32"], speaker.Entries.Select(e => e.Prefix.ToString())); // speakers accept nothing
    }

    [Fact]
    public void With_allowas_in_a_leaf_learns_its_pair_partners_prefixes_and_its_own_come_back_as_valid_paths()
    {
        var m = BgpModel.Build(Designs.Resolve(Repo.Read("tests", "Dcnet.Interop.Tests", "Bgp", "Fixtures", "bgp-lab-unnumbered.yaml")));
        var (_, o) = Converged(m);
        var partner = Entry(o, "leaf-01", "192.0.2.68/32"); // leaf-02's loopback, same AS 65001
        Assert.Equal("65000 65001", partner.Best!.AsPathText);
        var own = Entry(o, "leaf-01", "192.0.2.67/32");
        Assert.True(own.Best!.IsLocal);
        Assert.Contains(own.Paths, p => !p.IsLocal && p.AsPathText == "65000 65001");
        Assert.Equal("swp1", Entry(o, "spine-01", "192.0.2.67/32").Best!.Peer.NextHopText);
    }

    [Fact]
    public void Without_allowas_in_a_duplicate_leaf_as_hides_the_other_leafs_loopback()
    {
        var m = BgpModel.Build(Designs.Resolve(Repo.Read("examples", "lab-small.yaml")
            .Replace("asn: { spine: 65000, leaf-scheme: per-leaf, leaf-base: 65001 }", "asn: { spine: 65000, leaf-scheme: per-leaf, leaves: [65001, 65002, 65001, 65004] }", StringComparison.Ordinal)));
        var (_, o) = Converged(m);
        Assert.Null(o.Rib(m.Find("leaf-03")!, IpFamily.Ipv4).Find(IPNetwork.Parse("10.255.255.3/32")));
        Assert.NotNull(o.Rib(m.Find("leaf-02")!, IpFamily.Ipv4).Find(IPNetwork.Parse("10.255.255.3/32")));
    }

    [Fact]
    public void A_silent_link_with_bfd_converges_after_detection_clear_and_two_best_path_runs()
    {
        var (m, o) = Converged();
        var r = WhatIfReport.Run(o, BgpScenario.Resolve(m, [BgpFailure.Parse("link:spine-01/leaf-01")]));
        Assert.Equal(900, r.DetectionMs);
        Assert.Equal(900 + 10 + 100, r.ConvergedMs);
        Assert.Equal(["detection", "clear", "propagation"], r.Terms.Select(t => t.Name));
        Assert.Equal(r.ConvergedMs, r.Terms.Sum(t => t.Milliseconds));
        var lost = Assert.Single(r.Changes, c => c.Router.Name == "spine-01" && c.Prefix.ToString() == "10.255.255.3/32");
        Assert.Equal(RouteChangeKind.Lost, lost.Kind);
        Assert.Equal(960, lost.AtMs);
        var reduced = Assert.Single(r.Changes, c => c.Router.Name == "leaf-03" && c.Prefix.ToString() == "10.255.255.3/32");
        Assert.Equal(RouteChangeKind.EcmpReduced, reduced.Kind);
        Assert.Equal(1010, reduced.AtMs);
    }

    [Fact]
    public void An_administrative_shutdown_is_detected_at_once()
    {
        var (m, o) = Converged();
        var r = WhatIfReport.Run(o, BgpScenario.Resolve(m, [BgpFailure.Parse("link:leaf-01/spine-01:down")]));
        Assert.Equal(0, r.DetectionMs);
        Assert.Equal(110, r.ConvergedMs);
    }

    [Fact]
    public void Without_bfd_a_silent_link_waits_for_the_hold_timer_of_the_profile()
    {
        var dc = BgpModelTests.Lab(y => y.Replace("enabled: true, interval", "enabled: false, interval", StringComparison.Ordinal));
        var (_, o) = Converged(dc);
        var r = WhatIfReport.Run(o, BgpScenario.Resolve(dc, [BgpFailure.Parse("link:spine-01/leaf-03")]));
        Assert.Equal(9000, r.DetectionMs);

        var traditional = BgpModelTests.Lab(y => y.Replace("enabled: true, interval", "enabled: false, interval", StringComparison.Ordinal).Replace("profile: datacenter", "profile: traditional", StringComparison.Ordinal));
        var (_, o2) = Converged(traditional);
        Assert.Equal(180_000, WhatIfReport.Run(o2, BgpScenario.Resolve(traditional, [BgpFailure.Parse("link:spine-01/leaf-03")])).DetectionMs);
    }

    [Fact]
    public void When_a_speaker_hangs_the_other_endpoint_takes_over_after_bfd_detection()
    {
        var (m, o) = Converged();
        var r = WhatIfReport.Run(o, BgpScenario.Resolve(m, [BgpFailure.Parse("node:worker-001")]));
        var vip = Assert.Single(r.Vips, v => v.Vip.ToString() == "10.96.0.0");
        Assert.Equal(["worker-001"], vip.FailedEndpoints.Select(h => h.Name));
        Assert.Equal(["worker-002"], vip.Serving.Select(h => h.Name));
        Assert.False(vip.Lost);
        Assert.Equal(960, vip.BlackholeMs);
        Assert.Equal(["worker-002"], Entry(r.After, "leaf-01", "10.96.0.0/32").Ecmp.Select(p => p.Peer.Hostname));
    }

    [Fact]
    public void A_vip_whose_every_endpoint_fails_is_lost_everywhere()
    {
        var (m, o) = Converged();
        var r = WhatIfReport.Run(o, BgpScenario.Resolve(m, [BgpFailure.Parse("node:worker-001"), BgpFailure.Parse("node:worker-002")]));
        var vip = Assert.Single(r.Vips, v => v.Vip.ToString() == "10.96.0.0");
        Assert.True(vip.Lost);
        Assert.All(r.After.LiveRouters.Where(x => x.Role != Dcnet.Topology.DeviceRole.Host), x => Assert.Null(r.After.Rib(x, IpFamily.Ipv4).Find(IPNetwork.Parse("10.96.0.0/32"))));
    }

    [Fact]
    public void A_host_link_to_an_mlag_leaf_changes_no_session()
    {
        var (m, o) = Converged();
        var r = WhatIfReport.Run(o, BgpScenario.Resolve(m, [BgpFailure.Parse("link:worker-001/leaf-01")]));
        Assert.Empty(r.Changes);
        Assert.Contains("MLAG", Assert.Single(r.Scenario.Notes), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("link:spine-09/leaf-01", "'spine-09' is not a device")]
    [InlineData("node:worker-001:sideways", "unknown failure mode")]
    [InlineData("link:leaf-01", "is not a failure")]
    [InlineData("link:leaf-01/leaf-02", "there is no link")]
    public void Bad_failures_are_rejected_with_the_reason(string spec, string reason)
    {
        var m = BgpModelTests.LabSmall();
        var e = Assert.Throws<ArgumentException>(() => BgpScenario.Resolve(m, [BgpFailure.Parse(spec)]));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sweep_runs_every_fabric_link_and_switch_and_ranks_spines_above_links()
    {
        var (m, o) = Converged();
        var failures = BgpSweep.Failures(m, FailureMode.Silent);
        Assert.Equal(8 + 6, failures.Count);
        var results = BgpReport.Ranked(BgpSweep.Run(o, failures, 2));
        Assert.StartsWith("node:", results[0].Failure.Spec, StringComparison.Ordinal);
        Assert.All(results, x => Assert.Equal(0, x.VipsLost)); // every speaker is dual-homed to an MLAG pair
        Assert.True(results[0].Lost >= results[^1].Lost);
    }
}
