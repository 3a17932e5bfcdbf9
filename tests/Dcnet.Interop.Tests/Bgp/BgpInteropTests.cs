using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dcnet.Bgp;
using Dcnet.Design;
using Dcnet.Interop.Tests.Support;
using Dcnet.Platforms.Frr;
using Dcnet.Topology;

namespace Dcnet.Interop.Tests.Bgp;

/// <summary>
/// dcnet's BGP prediction against real FRR 8.4: the rendered configuration runs on zebra + bgpd (+ bfdd) in one
/// namespace per device, and every prefix of every device must agree with dcnet's tables, before and after a failure,
/// with the measured withdrawal time inside dcnet's convergence estimate. Every expected value comes from dcnet at
/// test time.
/// </summary>
public class BgpInteropTests
{
    /// <summary>
    /// Slack for measured convergence times: a vtysh poll (its cost is measured and added) plus 250 ms for process
    /// scheduling. The 2-vCPU VM runs about 25 FRR daemons next to the test and shares its cores with other work;
    /// bgpd's 50 ms work queue and bfdd's timers can each be late by a scheduling quantum or two per hop.
    /// </summary>
    private static readonly TimeSpan SchedulingSlack = TimeSpan.FromMilliseconds(250);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Bgp", "Fixtures", name);

    private static Network Load(string name) => Resolver.Resolve(DesignLoader.Load(Fixture(name), name));

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    private static IEnumerable<IpFamily> Families(BgpOutcome o) => o.Families;

    /// <summary>Polls every router until its tables equal dcnet's, or the time is up; returns the last differences.</summary>
    private static (TimeSpan Elapsed, List<string> Differences, int Reasons, int Agreeing) WaitForAgreement(FrrFabric fabric, BgpOutcome expected, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var expectedJson = expected.LiveRouters.SelectMany(r => Families(expected).Select(f => (r, f)))
            .ToDictionary(x => (x.r.Name, x.f), x => JsonNode.Parse(BgpReport.FrrJson(expected, x.r, x.f))!.AsObject());
        while (true)
        {
            var diffs = new List<string>();
            int reasons = 0, agreeing = 0;
            foreach (var ((router, family), want) in expectedJson.OrderBy(k => k.Key.Name, StringComparer.Ordinal).ThenBy(k => k.Key.f))
            {
                var result = FrrTableComparison.Compare(router, BgpReport.FamilyToken(family), want, fabric.Table(router, family));
                diffs.AddRange(result.Differences);
                reasons += result.Reasons;
                agreeing += result.ReasonsAgreeing;
            }

            if (diffs.Count == 0 || clock.Elapsed > timeout)
            {
                return (clock.Elapsed, diffs, reasons, agreeing);
            }

            Thread.Sleep(250);
        }
    }

    private static void AssertAgreement(string what, (TimeSpan Elapsed, List<string> Differences, int Reasons, int Agreeing) r)
    {
        Log($"{what}: FRR agrees with dcnet after {FrrFabric.Ms(r.Elapsed)}; selectionReason agrees on {r.Agreeing} of {r.Reasons} best paths (history-dependent, not asserted)");
        Assert.True(r.Differences.Count == 0, $"{what}: FRR and dcnet disagree on {r.Differences.Count} points after {FrrFabric.Ms(r.Elapsed)}:\n  " + string.Join("\n  ", r.Differences.Take(40)));
    }

    /// <summary>
    /// Injects a failure and polls the router and prefix that dcnet says settle last until FRR's entry equals dcnet's;
    /// returns the time from the injection and the cost of one poll.
    /// </summary>
    private static (TimeSpan Measured, TimeSpan PollCost) MeasureWithdrawal(FrrFabric fabric, WhatIfReport report, Action inject)
    {
        var watch = report.Changes.OrderByDescending(c => c.AtMs).ThenBy(c => c.Router.Index).ThenBy(c => c.Family).First();
        var want = JsonNode.Parse(BgpReport.FrrJson(report.After, watch.Router, watch.Family))!.AsObject();
        var routes = want["routes"]!.AsObject();
        var only = new JsonObject { ["routes"] = new JsonObject() };
        if (routes[watch.Prefix.ToString()] is { } entry)
        {
            only["routes"]!.AsObject()[watch.Prefix.ToString()] = entry.DeepClone();
        }

        var pollCost = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        inject();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var before = clock.Elapsed;
            var table = fabric.Table(watch.Router.Name, watch.Family);
            pollCost = clock.Elapsed - before > pollCost ? clock.Elapsed - before : pollCost;
            var got = new JsonObject { ["routes"] = new JsonObject() };
            if (table["routes"]?[watch.Prefix.ToString()] is { } e)
            {
                got["routes"]!.AsObject()[watch.Prefix.ToString()] = e.DeepClone();
            }

            if (FrrTableComparison.Compare(watch.Router.Name, BgpReport.FamilyToken(watch.Family), only, got).Differences.Count == 0)
            {
                var measured = clock.Elapsed;
                Log($"watched {watch.Router.Name} {watch.Prefix} ({Tokens.Of(watch.Kind)}): settled after {FrrFabric.Ms(measured)}; dcnet estimate {report.ConvergedMs} ms for the whole fabric, {watch.AtMs} ms for this route; one poll costs up to {FrrFabric.Ms(pollCost)}");
                return (measured, pollCost);
            }
        }

        Assert.Fail($"{watch.Router.Name} {watch.Prefix} never reached dcnet's predicted state after the failure");
        return default;
    }

    private static TimeSpan Estimate(WhatIfReport r) => TimeSpan.FromMilliseconds(r.ConvergedMs ?? 0);

    private static TimeSpan DcnetTime(Network network)
    {
        _ = BgpSimulation.Prepare(BgpModel.Build(network)).Converge();
        var clock = Stopwatch.StartNew();
        _ = BgpSimulation.Prepare(BgpModel.Build(network)).Converge();
        return clock.Elapsed;
    }

    [Fact]
    public void Numbered_dual_stack_fabric_with_bfd_agrees_with_dcnet_before_and_after_failures_within_the_estimate()
    {
        var network = Load("bgp-lab.yaml");
        using var fabric = FrrFabric.Start(nameof(Numbered_dual_stack_fabric_with_bfd_agrees_with_dcnet_before_and_after_failures_within_the_estimate), network);
        var sim = BgpSimulation.Prepare(fabric.Model);
        var baseline = sim.Converge();

        var converged = WaitForAgreement(fabric, baseline, TimeSpan.FromSeconds(60));
        AssertAgreement("steady state", converged);
        var lab = fabric.StartTime + converged.Elapsed;
        var dcnet = DcnetTime(network);
        Log($"timing: FRR lab from first daemon to agreeing tables {FrrFabric.Ms(lab)} (at most; polled every 250 ms), dcnet load-free model + simulation {dcnet.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture)} ms, ratio {(lab / dcnet).ToString("N0", CultureInfo.InvariantCulture)}x");

        // 1. Administrative shutdown of a fabric port: FRR's fast-external-failover, detection 0.
        var down = WhatIfReport.Run(baseline, BgpScenario.Resolve(fabric.Model, [BgpFailure.Parse("link:spine-01/leaf-01:down")]));
        Assert.Equal(0, down.DetectionMs);
        var (m1, p1) = MeasureWithdrawal(fabric, down, () => fabric.LinkDown("spine-01", network.FabricLinks.First(l => l.Name == "spine-01/leaf-01").SpineInterface));
        Assert.True(m1 <= Estimate(down) + p1 + SchedulingSlack, $"withdrawal took {FrrFabric.Ms(m1)}, dcnet estimated {down.ConvergedMs} ms (+ {FrrFabric.Ms(p1 + SchedulingSlack)} slack)");
        AssertAgreement("after link:spine-01/leaf-01:down", WaitForAgreement(fabric, down.After, TimeSpan.FromSeconds(20)));
        fabric.LinkUp("spine-01", network.FabricLinks.First(l => l.Name == "spine-01/leaf-01").SpineInterface);
        AssertAgreement("after the link came back", WaitForAgreement(fabric, baseline, TimeSpan.FromSeconds(60)));

        // 2. A silent link: the ports stay up, packets stop; BFD notices after 3 x 300 ms.
        var link = network.FabricLinks.First(l => l.Name == "spine-02/leaf-03");
        var silent = WhatIfReport.Run(baseline, BgpScenario.Resolve(fabric.Model, [BgpFailure.Parse("link:spine-02/leaf-03:silent")]));
        Assert.Equal(900, silent.DetectionMs);
        var (m2, p2) = MeasureWithdrawal(fabric, silent, () => fabric.Silence("spine-02", link.SpineInterface));
        Assert.True(m2 <= Estimate(silent) + p2 + SchedulingSlack, $"withdrawal took {FrrFabric.Ms(m2)}, dcnet estimated {silent.ConvergedMs} ms (+ {FrrFabric.Ms(p2 + SchedulingSlack)} slack)");
        Assert.True(m2 >= TimeSpan.FromMilliseconds(600), $"withdrawal after {FrrFabric.Ms(m2)} is faster than BFD can detect (at least 2 of 3 missed 300 ms intervals)");
        AssertAgreement("after link:spine-02/leaf-03:silent", WaitForAgreement(fabric, silent.After, TimeSpan.FromSeconds(20)));
        fabric.Unsilence("spine-02");
        AssertAgreement("after the link recovered", WaitForAgreement(fabric, baseline, TimeSpan.FromSeconds(60)));

        // 3. A speaker that hangs: its leaf notices by BFD and the other endpoints of its services take over.
        var node = WhatIfReport.Run(baseline, BgpScenario.Resolve(fabric.Model, [BgpFailure.Parse("node:worker-003")]));
        var vip = Assert.Single(node.Vips, v => v.Vip.IsV4() && v.FailedEndpoints.Any(h => h.Name == "worker-003"));
        Assert.False(vip.Lost);
        Log($"node:worker-003: {vip.Service.Name} {vip.Vip} is served by {string.Join(", ", vip.Serving.Select(h => h.Name))} after {vip.BlackholeMs} ms");
        var iface = fabric.Model.Find("worker-003")!.Neighbors[0].Interface;
        var (m3, p3) = MeasureWithdrawal(fabric, node, () => fabric.Silence("worker-003", iface));
        Assert.True(m3 <= Estimate(node) + p3 + SchedulingSlack, $"withdrawal took {FrrFabric.Ms(m3)}, dcnet estimated {node.ConvergedMs} ms (+ {FrrFabric.Ms(p3 + SchedulingSlack)} slack)");
        Assert.True(m3 >= TimeSpan.FromMilliseconds(600), $"withdrawal after {FrrFabric.Ms(m3)} is faster than BFD can detect");
        AssertAgreement("after node:worker-003", WaitForAgreement(fabric, node.After, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void Unnumbered_fabric_without_bfd_agrees_with_dcnet_and_a_silent_link_is_detected_by_the_hold_timer()
    {
        var network = Load("bgp-lab-unnumbered.yaml");
        using var fabric = FrrFabric.Start(nameof(Unnumbered_fabric_without_bfd_agrees_with_dcnet_and_a_silent_link_is_detected_by_the_hold_timer), network);
        var baseline = BgpSimulation.Prepare(fabric.Model).Converge();
        AssertAgreement("steady state (unnumbered, allowas-in)", WaitForAgreement(fabric, baseline, TimeSpan.FromSeconds(60)));

        var link = network.FabricLinks.First(l => l.Name == "spine-01/leaf-03");
        var silent = WhatIfReport.Run(baseline, BgpScenario.Resolve(fabric.Model, [BgpFailure.Parse("link:spine-01/leaf-03:silent")]));
        Assert.Equal(9000, silent.DetectionMs);
        var (measured, poll) = MeasureWithdrawal(fabric, silent, () => fabric.Silence("spine-01", link.SpineInterface));
        Assert.True(measured <= Estimate(silent) + poll + SchedulingSlack, $"withdrawal took {FrrFabric.Ms(measured)}, dcnet estimated {silent.ConvergedMs} ms");

        // The last keepalive can have arrived up to one keepalive interval (3 s) before the silence began.
        Assert.True(measured >= TimeSpan.FromSeconds(6), $"withdrawal after {FrrFabric.Ms(measured)} is faster than a 9 s hold timer allows");
        AssertAgreement("after link:spine-01/leaf-03:silent", WaitForAgreement(fabric, silent.After, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void The_traditional_profile_exchanges_routes_because_every_neighbour_has_policy_both_ways()
    {
        // FRR's traditional profile turns on bgp ebgp-requires-policy: an eBGP neighbour without route-maps in both
        // directions exchanges nothing. dcnet renders them on every neighbour, so the fabric must converge as predicted.
        string yaml = File.ReadAllText(Fixture("bgp-lab.yaml")).Replace("profile: datacenter", "profile: traditional", StringComparison.Ordinal);
        var network = Resolver.Resolve(DesignLoader.Parse(yaml, "bgp-lab-traditional.yaml"));
        using var fabric = FrrFabric.Start(nameof(The_traditional_profile_exchanges_routes_because_every_neighbour_has_policy_both_ways), network);
        Assert.Contains("frr defaults traditional", fabric.Vtysh("leaf-01", "show running-config"), StringComparison.Ordinal);
        var baseline = BgpSimulation.Prepare(fabric.Model).Converge();
        AssertAgreement("steady state (traditional profile)", WaitForAgreement(fabric, baseline, TimeSpan.FromSeconds(60)));
        var timers = JsonNode.Parse(fabric.Vtysh("spine-01", "show bgp neighbors json"))!.AsObject().First().Value!;
        Assert.Equal(180_000, timers["bgpTimerHoldTimeMsecs"]!.GetValue<int>());
    }

    public static TheoryData<string> Designs() => new()
    {
        "examples/lab-small.yaml",
        "examples/dc-5000.yaml",
        "fixture:bgp-lab.yaml",
        "fixture:bgp-lab-unnumbered.yaml",
    };

    [Theory]
    [MemberData(nameof(Designs))]
    public void Every_rendered_configuration_passes_vtysh_dry_run(string design)
    {
        FrrFabric.RequirePeers();
        string path = design.StartsWith("fixture:", StringComparison.Ordinal) ? Fixture(design[8..]) : Path.Combine(RepoRoot(), design);
        var files = new FrrRenderer().Render(Resolver.Resolve(DesignLoader.Load(path, design))).Where(f => f.RelativePath.EndsWith("/frr.conf", StringComparison.Ordinal)).ToList();
        using var lab = new NetnsLab(nameof(Every_rendered_configuration_passes_vtysh_dry_run));
        string dir = lab.TempDirectory("dryrun");
        Assert.NotEmpty(files);
        foreach (var f in files)
        {
            string file = Path.Combine(dir, f.RelativePath.Replace('/', '_'));
            File.WriteAllText(file, f.Content);
            var r = Shell.Run("vtysh", "--dryrun", "-f", file);
            Assert.True(r.Ok && !r.Stdout.Contains('%', StringComparison.Ordinal), $"{f.RelativePath} of {design}: vtysh --dryrun exited {r.ExitCode}\n{r.Stdout}{r.Stderr}");
        }
    }

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "dcnet.slnx")))
        {
            d = d.Parent;
        }

        return d!.FullName;
    }
}
