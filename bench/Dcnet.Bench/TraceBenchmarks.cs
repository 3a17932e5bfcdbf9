using BenchmarkDotNet.Attributes;
using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.PathMtu;
using Dcnet.Topology;
using Dcnet.Trace;
using Dcnet.Vlans;

namespace Dcnet.Bench;

/// <summary>One trace on dc-5000, a batch of 10,000 VM pairs, and the MTU and VLAN checks on 100,000 VMs.</summary>
[MemoryDiagnoser]
public class TraceBenchmarks
{
    private Tracer tracer = null!;
    private TraceRequest[] pairs = [];
    private Network big = null!;

    [GlobalSetup]
    public void Setup()
    {
        string root = FindRoot();
        var seed = Resolver.Resolve(DesignLoader.Load(Path.Combine(root, "examples", "dc-5000.yaml")));
        tracer = new Tracer(seed);
        var rnd = new Random(42);
        pairs = Enumerable.Range(0, 10_000).Select(_ => new TraceRequest
        {
            From = seed.Vms[rnd.Next(seed.Vms.Count)].Name,
            To = seed.Vms[rnd.Next(seed.Vms.Count)].Name,
        }).ToArray();
        big = Resolver.Resolve(DesignLoader.Parse(DesignGenerator.Generate(new GeneratorOptions { Vms = 100_000, Hosts = 2000, Leaves = 64, Groups = 4000, DualStack = true })));
    }

    internal static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "dcnet.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [Benchmark]
    public TraceVerdict OneTraceOnDc5000() => tracer.Trace(pairs[0]).Verdict;

    [Benchmark]
    public int Batch10000VmPairs() => tracer.TraceBatch(pairs).Count(v => v.Verdict == TraceVerdict.Delivered);

    [Benchmark]
    public int MtuAndVlanChecksOn100kVms() => new MtuChecks().Run(big).Count() + new VlanChecks().Run(big).Count();
}
