using BenchmarkDotNet.Attributes;
using Dcnet.Design;
using Dcnet.Platforms.Ovn;
using Dcnet.Sdn;
using Dcnet.Topology;

namespace Dcnet.Bench;

/// <summary>
/// Issue #5's targets on 5,000 VMs, 200 groups and 10,000 rules (dcnet init --rules 10000): the full matrix for both
/// families under 2 s, ACL evaluation in a batch under 1 µs per packet, the OVN script under 1 s.
/// </summary>
[MemoryDiagnoser]
public class SdnBenchmarks
{
    /// <summary>Packets per batch in <see cref="EvaluateBatch"/>.</summary>
    public const int Batch = 10_000;

    private Network network = null!;
    private LogicalNetwork model = null!;
    private AclEvaluator evaluator = null!;
    private AclPacket[] packets = [];
    private AclEvaluation[] results = [];

    [GlobalSetup]
    public void Setup()
    {
        string yaml = DesignGenerator.Generate(new GeneratorOptions { Name = "bench-sdn", Vms = 5000, Hosts = 100, Groups = 200, Rules = 10_000, DualStack = true });
        network = Resolver.Resolve(DesignLoader.Parse(yaml));
        model = LogicalNetworkBuilder.Build(network);
        evaluator = new AclEvaluator(model);
        var random = new Random(5);
        var list = new List<AclPacket>(Batch);
        TransportClass[] transports = [TransportClass.Tcp, TransportClass.Tcp, TransportClass.Udp, TransportClass.Icmp];
        while (list.Count < Batch)
        {
            var s = model.VnicPorts[random.Next(model.VnicPorts.Count)];
            var d = model.VnicPorts[random.Next(model.VnicPorts.Count)];
            var f = random.Next(2) == 0 ? IpFamily.Ipv4 : IpFamily.Ipv6;

            // Half the packets hit a rule's port, half some other port.
            int port = random.Next(2) == 0 ? 1000 + random.Next(20_000) : random.Next(1, 65536);
            if (evaluator.Between(s, d, f, transports[random.Next(transports.Length)], port, out var p))
            {
                list.Add(p);
            }
        }

        packets = [.. list];
        results = new AclEvaluation[Batch];
    }

    [Benchmark]
    public int BuildLogicalNetwork() => LogicalNetworkBuilder.Build(network).Acls.Count;

    /// <summary>The whole audit: every endpoint pair, both families, intent comparison and findings.</summary>
    [Benchmark]
    public int SegmentationMatrix() => SegmentationAudit.Run(model).Findings.Count;

    /// <summary>Building the model and writing the ovn-nbctl script, as render --target ovn does.</summary>
    [Benchmark]
    public int RenderOvnScript() => OvnRenderer.Script(LogicalNetworkBuilder.Build(network)).Length;

    [Benchmark(OperationsPerInvoke = Batch)]
    public int EvaluateBatch()
    {
        evaluator.EvaluateBatch(packets, results);
        return results[Batch - 1].StageCount;
    }
}
