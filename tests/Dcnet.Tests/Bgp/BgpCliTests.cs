using System.Text.Json.Nodes;
using Dcnet.Cli;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Bgp;

/// <summary><c>dcnet bgp</c>: tables, what-ifs, sweeps and FRR JSON, run in-process.</summary>
public class BgpCliTests
{
    public BgpCliTests() => Directory.SetCurrentDirectory(Repo.Root);

    private static (int Code, string Out, string Err) Run(params string[] args) => InProcessCli.Run(args);

    [Fact]
    public void Bgp_text_is_golden()
    {
        var (code, text, err) = Run("bgp", "examples/lab-small.yaml");
        Assert.True(code == 0, err);
        Golden.Assert("tests/Dcnet.Tests/Bgp/Golden/bgp-lab-small.txt", text);
    }

    [Fact]
    public void Bgp_json_is_golden()
    {
        var (code, json, err) = Run("bgp", "examples/lab-small.yaml", "--json");
        Assert.True(code == 0, err);
        Golden.Assert("tests/Dcnet.Tests/Bgp/Golden/bgp-lab-small.json", json);
    }

    [Fact]
    public void Frr_json_of_one_device_and_family_is_golden_and_has_frrs_shape()
    {
        var (code, json, err) = Run("bgp", "examples/lab-small.yaml", "--format", "frr-json", "--device", "leaf-01", "--family", "6");
        Assert.True(code == 0, err);
        Golden.Assert("tests/Dcnet.Tests/Bgp/Golden/frr-json-leaf-01-ipv6.json", json);
        var root = JsonNode.Parse(json)!.AsObject();
        Assert.Equal(["vrfId", "vrfName", "routerId", "defaultLocPrf", "localAS", "routes"], root.Select(kv => kv.Key));
        var path = root["routes"]!["fd00:96::/128"]![0]!.AsObject();
        Assert.Equal(["valid", "multipath", "pathFrom", "prefix", "prefixLen", "network", "metric", "weight", "peerId", "path", "origin", "nexthops"], path.Select(kv => kv.Key));
    }

    [Fact]
    public void What_if_text_is_golden()
    {
        var (code, text, err) = Run("bgp", "examples/lab-small.yaml", "--fail", "link:spine-01/leaf-01", "--device", "leaf-0*");
        Assert.True(code == 0, err);
        Golden.Assert("tests/Dcnet.Tests/Bgp/Golden/what-if-lab-small.txt", text);
    }

    [Fact]
    public void What_if_json_has_the_failures_the_convergence_terms_the_vips_the_changes_and_the_new_tables()
    {
        var (code, json, err) = Run("bgp", "examples/lab-small.yaml", "--fail", "node:worker-001", "--fail", "link:spine-02/leaf-03:down", "--json");
        Assert.True(code == 0, err);
        var root = JsonNode.Parse(json)!.AsObject();
        Assert.Equal(["node:worker-001:silent", "link:spine-02/leaf-03:down"], root["failures"]!.AsArray().Select(f => f!["spec"]!.GetValue<string>()));
        var conv = root["convergence"]!.AsObject();
        Assert.Equal(conv["totalMs"]!.GetValue<int>(), conv["terms"]!.AsArray().Sum(t => t!["ms"]!.GetValue<int>()));
        var vip = root["vips"]!.AsArray().First(v => v!["vip"]!.GetValue<string>() == "10.96.0.0")!;
        Assert.Equal(["worker-002"], vip["servedBy"]!.AsArray().Select(h => h!.GetValue<string>()));
        Assert.NotEmpty(root["changes"]!.AsArray());
        Assert.DoesNotContain(root["devices"]!.AsArray(), d => d!["name"]!.GetValue<string>() == "worker-001");
    }

    [Fact]
    public void Frr_json_to_a_directory_writes_one_file_per_device_and_family()
    {
        using var tmp = new TempDir();
        string dir = Path.Combine(tmp.Path, "frr");
        var (code, _, err) = Run("bgp", "examples/lab-small.yaml", "--format", "frr-json", "-o", dir);
        Assert.True(code == 0, err);
        Assert.Equal(14 * 2, Directory.GetFiles(dir, "*.json", SearchOption.AllDirectories).Length);
        Assert.True(File.Exists(Path.Combine(dir, "spine-01", "ipv4.json")));
    }

    [Theory]
    [InlineData("--format", "frr-json")]
    [InlineData("--device", "leaf-99")]
    [InlineData("--fail", "link:leaf-01")]
    [InlineData("--fail", "node:worker-999")]
    [InlineData("--family", "5")]
    public void Bad_usage_exits_2_with_nothing_on_stdout(string option, string value)
    {
        var (code, stdout, stderr) = Run("bgp", "examples/lab-small.yaml", option, value);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.NotEqual("", stderr);
    }

    [Fact]
    public void The_seed_scenario_prints_every_devices_tables()
    {
        var (code, text, err) = Run("bgp", "examples/dc-5000.yaml");
        Assert.True(code == 0, err);
        foreach (string device in new[] { "spine-01", "spine-04", "leaf-01", "leaf-10", "worker-001", "worker-100" })
        {
            Assert.Contains("\n" + device + "  ", text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("\ncontrol-001  ", text, StringComparison.Ordinal); // control nodes run no speaker
    }

    [Fact]
    public void A_sweep_lists_every_single_failure_worst_first()
    {
        var (code, text, err) = Run("bgp", "examples/lab-small.yaml", "--sweep");
        Assert.True(code == 0, err);
        Assert.Equal(8 + 6, text.Split('\n').Count(l => l.StartsWith("  node:", StringComparison.Ordinal) || l.StartsWith("  link:", StringComparison.Ordinal)));
        var (jcode, json, _) = Run("bgp", "examples/lab-small.yaml", "--sweep", "--sweep-mode", "down", "--json");
        Assert.Equal(0, jcode);
        Assert.All(JsonNode.Parse(json)!["scenarios"]!.AsArray(), s => Assert.EndsWith(":down", s!["failure"]!.GetValue<string>(), StringComparison.Ordinal));
    }
}
