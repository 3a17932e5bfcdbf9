using BenchmarkDotNet.Attributes;
using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bench;

/// <summary>Load + resolve + check on generated designs: the work of <c>dcnet check</c> without process start-up.</summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private string yaml = "";

    [Params("5k", "100k")]
    public string Scenario { get; set; } = "5k";

    [GlobalSetup]
    public void Setup() => yaml = DesignGenerator.Generate(Scenario == "5k"
        ? new GeneratorOptions { Name = "bench-5k", Vms = 5000, Hosts = 100, Spines = 4, Groups = 200, DualStack = true }
        : new GeneratorOptions { Name = "bench-100k", Vms = 100_000, Hosts = 2000, Spines = 4, Leaves = 64, Groups = 4000, DualStack = true });

    [Benchmark]
    public int Load() => DesignLoader.Parse(yaml).Hosts.Count;

    [Benchmark]
    public int LoadResolve() => Resolver.Resolve(DesignLoader.Parse(yaml)).Vms.Count;

    [Benchmark]
    public int LoadResolveCheck() => CheckReport.Run(DesignLoader.Parse(yaml)).Findings.Count;
}
