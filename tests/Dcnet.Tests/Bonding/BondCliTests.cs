using System.Text.Json;
using Dcnet.Bonding;
using Dcnet.Cli;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Bonding;

/// <summary>dcnet hash and dcnet bonds: output shapes, exit codes, and agreement with the library.</summary>
public class BondCliTests
{
    public BondCliTests() => Directory.SetCurrentDirectory(Repo.Root);

    private static (int Code, string Out, string Err) Run(params string[] args) => InProcessCli.Run(args);

    private static string Flows(TempDir tmp, string text)
    {
        string path = Path.Combine(tmp.Path, "flows.csv");
        File.WriteAllText(path, text);
        return path;
    }

    private const string Readme = """
        src_mac,dst_mac,vlan,src_ip,dst_ip,proto,src_port,dst_port,frag
        02:00:00:00:00:0a,02:00:00:00:00:0b,,10.0.0.1,10.0.0.2,tcp,40000,80,0
        02:00:00:00:00:0a,02:00:00:00:00:0b,100,2001:db8::1,2001:db8::2,udp,5353,53,0
        02:00:00:00:00:0a,02:00:00:00:00:0b,,10.0.0.1,10.0.0.2,udp,40000,80,1
        """;

    [Fact]
    public void Hash_prints_one_line_per_flow_with_the_hash_and_the_member()
    {
        using var tmp = new TempDir();
        var (code, output, _) = Run("hash", "--policy", "layer3+4", "--members", "3", "--flows", Flows(tmp, Readme));
        Assert.Equal(0, code);
        Assert.Equal("0x29a989c7 0\n0x1b1b6fe5 1\n0x01818181 1\n", output);
    }

    [Fact]
    public void Hash_json_has_the_documented_shape()
    {
        using var tmp = new TempDir();
        var (code, output, _) = Run("hash", "--policy", "layer2", "--members", "2", "--flows", Flows(tmp, Readme), "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("layer2", doc.RootElement.GetProperty("policy").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("members").GetInt32());
        var flows = doc.RootElement.GetProperty("flows").EnumerateArray().ToList();
        Assert.Equal(3, flows.Count);
        Assert.Equal(0x801u, flows[0].GetProperty("hash").GetUInt32());
        Assert.Equal(1, flows[0].GetProperty("member").GetInt32());
    }

    [Fact]
    public void Hash_agrees_with_the_library_on_a_few_hundred_varied_flows_for_every_policy()
    {
        using var tmp = new TempDir();
        var flows = FlowSamples.Varied(11, 300).Concat(FlowSamples.Special().Select(s => s.Flow)).ToList();
        string path = Flows(tmp, FlowCsv.Write(flows));
        foreach (var p in Enum.GetValues<XmitHashPolicy>())
        {
            var (code, output, _) = Run("hash", "--policy", Dcnet.Design.Tokens.Of(p), "--members", "3", "--flows", path);
            Assert.Equal(0, code);
            Assert.Equal(HashReport.Text(HashReport.Run(FlowCsv.Load(path), p, 3)), output);
        }
    }

    [Fact]
    public void Hash_rejects_bad_input_with_positions_and_exit_2_without_output()
    {
        using var tmp = new TempDir();
        var (code, output, err) = Run("hash", "--policy", "layer3+4", "--members", "2", "--flows", Flows(tmp, "src_mac,dst_mac,vlan,src_ip,dst_ip,proto,src_port,dst_port\n,,,10.0.0.1,10.0.0.2,tcp,1,x\n"));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("flows.csv:2:28: 'x' is not a port", err, StringComparison.Ordinal);
        Assert.Equal(2, Run("hash", "--policy", "layer5", "--members", "2").Code);
        Assert.Equal(2, Run("hash", "--policy", "layer2", "--members", "0", "--flows", Flows(tmp, Readme)).Code);
    }

    [Fact]
    public void Bonds_prints_per_member_shares_for_every_host_bond_of_dc_5000()
    {
        var (code, output, _) = Run("bonds", "examples/dc-5000.yaml");
        Assert.Equal(0, code);
        Assert.Contains("206 bonds on 103 hosts", output, StringComparison.Ordinal);
        Assert.Matches("worker-001/bond0 +802.3ad +layer3\\+4 +2 x 25G +[0-9]+ +[0-9.]+ / [0-9.]+ ", output);
        Assert.Contains("Failover (worst case per bond design)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Bonds_json_lists_members_with_their_shares()
    {
        var (code, output, _) = Run("bonds", "examples/lab-small.yaml", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var bonds = doc.RootElement.GetProperty("bonds").EnumerateArray().ToList();
        Assert.Equal(16, bonds.Count);
        foreach (var b in bonds)
        {
            var members = b.GetProperty("members").EnumerateArray().ToList();
            double flows = members.Sum(m => m.GetProperty("flowShare").GetDouble());
            Assert.True(b.GetProperty("flows").GetInt32() == 0 || Math.Abs(flows - 1) < 0.001, b.GetProperty("host").GetString());
            Assert.True(b.GetProperty("failover").TryGetProperty("loss", out _));
        }
    }

    [Fact]
    public void Bonds_with_a_host_filter_shows_the_detail_and_an_unknown_host_is_bad_usage()
    {
        var (code, output, _) = Run("bonds", "examples/lab-small.yaml", "--host", "worker-00*");
        Assert.Equal(0, code);
        Assert.Contains("16 bonds on 8 hosts matching 'worker-00*'", output, StringComparison.Ordinal);
        Assert.Contains("silent failure: 802.3ad", output, StringComparison.Ordinal);
        Assert.Equal(2, Run("bonds", "examples/lab-small.yaml", "--host", "nope-001").Code);
    }
}
