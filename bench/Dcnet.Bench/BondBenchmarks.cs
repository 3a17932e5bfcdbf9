using BenchmarkDotNet.Attributes;
using Dcnet.Bonding;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bench;

/// <summary>
/// The bonding transmit hash alone (target: 20 million flows per second on one core) and dcnet bonds for every host
/// of dc-5000 (target: under 1 s). One invocation hashes <see cref="Flows"/> pre-dissected keys, so flows per second
/// = Flows / mean time.
/// </summary>
[MemoryDiagnoser]
public class BondBenchmarks
{
    public const int Flows = 1_000_000;

    private FlowKey[] keys = [];
    private uint[] hashes = [];
    private int[] members = [];

    [Params(XmitHashPolicy.Layer2, XmitHashPolicy.Layer34, XmitHashPolicy.Encap34, XmitHashPolicy.VlanSrcMac)]
    public XmitHashPolicy Policy { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var sample = FlowSamples.Varied(2026, 4096).Select(f => FlowKey.Dissect(f.ToBondFrame().Skb)).ToArray();
        keys = Enumerable.Range(0, Flows).Select(i => sample[i % sample.Length]).ToArray();
        hashes = new uint[Flows];
        members = new int[Flows];
    }

    /// <summary>The hash of a million flows, one call per flow.</summary>
    [Benchmark]
    public uint HashPerFlow()
    {
        uint x = 0;
        var p = Policy;
        for (int i = 0; i < keys.Length; i++)
        {
            x ^= TransmitHash.Compute(keys[i], p);
        }

        return x;
    }

    /// <summary>The hash of a million flows in one batch call.</summary>
    [Benchmark]
    public uint HashBatch()
    {
        TransmitHash.ComputeBatch(keys, Policy, hashes);
        return hashes[^1];
    }

    /// <summary>Hash and member (hash % 3 by fastmod) of a million flows.</summary>
    [Benchmark]
    public int MemberBatch()
    {
        TransmitHash.MemberBatch(keys, Policy, 3, members);
        return members[^1];
    }
}

/// <summary>dcnet bonds for all 206 bonds of dc-5000, in-process: load and resolve, then the report.</summary>
[MemoryDiagnoser]
public class BondReportBenchmarks
{
    private string path = "";
    private Network dc5000 = null!;

    [GlobalSetup]
    public void Setup()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "dcnet.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        path = Path.Combine(root, "examples", "dc-5000.yaml");
        dc5000 = Resolver.Resolve(DesignLoader.Load(path));
    }

    /// <summary>Traffic profile, balance and failover of every bond, and the text.</summary>
    [Benchmark]
    public int BondsReportDc5000() => BondsReport.Build(dc5000).Text().Length;

    /// <summary>The same from the YAML file: what dcnet bonds does after start-up.</summary>
    [Benchmark]
    public int LoadResolveBondsDc5000() => BondsReport.Build(Resolver.Resolve(DesignLoader.Load(path))).Text().Length;
}
