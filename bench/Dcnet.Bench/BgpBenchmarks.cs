using BenchmarkDotNet.Attributes;
using Dcnet.Bgp;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bench;

/// <summary>
/// The BGP targets of issue #4 on a 4-spine, 64-leaf fabric with 2,000 speaker hosts (their networks' routes) and
/// 2,000 services, dual-stack: 4,000 VIPs plus loopbacks and host networks, 2,068 BGP routers. Converge (model +
/// simulation) under 1 s, one what-if under 1 s, the sweep of every single link and switch failure (324) on both
/// cores under 60 s.
/// </summary>
[MemoryDiagnoser]
public class BgpBenchmarks
{
    private Network network = null!;
    private BgpOutcome baseline = null!;
    private BgpScenario link = null!;
    private BgpScenario spine = null!;
    private IReadOnlyList<BgpFailure> sweep = [];

    /// <summary>The benchmark fabric: dcnet init's generator with 2,000 services.</summary>
    public static string Design()
    {
        string yaml = DesignGenerator.Generate(new GeneratorOptions { Name = "bench-bgp", Vms = 20_000, Hosts = 2000, Spines = 4, Leaves = 64, Groups = 400, DualStack = true });
        int at = yaml.IndexOf("  services: ", StringComparison.Ordinal);
        int end = yaml.IndexOf('\n', at);
        return yaml[..at] + "  services: 2000" + yaml[end..];
    }

    [GlobalSetup]
    public void Setup()
    {
        network = Resolver.Resolve(DesignLoader.Parse(Design()));
        var model = BgpModel.Build(network);
        baseline = BgpSimulation.Prepare(model).Converge();
        link = BgpScenario.Resolve(model, [BgpFailure.Parse("link:spine-02/leaf-17")]);
        spine = BgpScenario.Resolve(model, [BgpFailure.Parse("node:spine-01")]);
        sweep = BgpSweep.Failures(model, FailureMode.Silent);
    }

    /// <summary>Model from the resolved network, prefix classes, and every announcement to a fixed point.</summary>
    [Benchmark]
    public int Converge() => BgpSimulation.Prepare(BgpModel.Build(network)).Converge().Families.Count;

    /// <summary>A silent fabric link: new tables, route changes, convergence terms, VIP impact.</summary>
    [Benchmark]
    public int WhatIfLink() => WhatIfReport.Run(baseline, link).Changes.Count;

    /// <summary>The worst single what-if: a spine, 256,064 changed routes.</summary>
    [Benchmark]
    public int WhatIfSpine() => WhatIfReport.Run(baseline, spine).Changes.Count;

    /// <summary>Every single fabric-link and switch failure on both cores.</summary>
    [Benchmark]
    public int Sweep() => BgpSweep.Run(baseline, sweep, 2).Count;
}
