using System.Text.Json;
using Dcnet.Cli;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Sdn;

/// <summary>dcnet segment, dcnet acl and render --target ovn, run in-process.</summary>
public class SdnCliTests
{
    public SdnCliTests() => Directory.SetCurrentDirectory(Repo.Root);

    private static (int Code, string Out, string Err) Run(params string[] args) => InProcessCli.Run(args);

    [Fact]
    public void Segment_prints_the_audit_of_dc_5000_and_exits_0()
    {
        var (code, text, err) = Run("segment", "examples/dc-5000.yaml");
        Assert.True(code == 0, err);
        Assert.Contains("OVN logical network", text, StringComparison.Ordinal);
        Assert.Contains("  IPv4    yes", text, StringComparison.Ordinal);
        Assert.Matches(@"\n  legacy-web +legacy-db +tcp 5432 +tcp 5432\n", text);
        Assert.Contains("No findings", text, StringComparison.Ordinal);
        Assert.Contains("dcnet: audited 40,401 endpoint pairs", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Segment_flags_the_leaky_example_with_exit_1_and_a_json_matrix()
    {
        var (code, json, _) = Run("segment", "examples/segmentation-leaky.yaml", "--json");
        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(["ipv4"], root.GetProperty("enforcedFamilies").EnumerateArray().Select(e => e.GetString()));
        Assert.False(root.GetProperty("summary").GetProperty("ipv6").GetProperty("enforced").GetBoolean());
        Assert.True(root.GetProperty("summary").GetProperty("ipv6").GetProperty("leaks").GetInt32() > 0);
        var web = root.GetProperty("matrix").EnumerateArray().First(r => r.GetProperty("to").GetString() == "api" && r.GetProperty("from").EnumerateArray().Any(x => x.GetString() == "web"));
        Assert.Equal("8080", web.GetProperty("ipv4").GetProperty("allowed").GetProperty("tcp").GetString());
        Assert.Equal("all", web.GetProperty("ipv6").GetProperty("allowed").GetProperty("tcp").GetString());
        Assert.Contains(root.GetProperty("findings").EnumerateArray(), f => f.GetProperty("id").GetString() == "SDN001");
    }

    [Fact]
    public void Acl_json_names_the_deciding_acl_on_its_hop()
    {
        var (code, json, err) = Run("acl", "examples/lab-small.yaml", "--from", "vm-web-0001", "--to", "vm-db-0001", "--dport", "5432", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("dropped", root.GetProperty("verdict").GetString());
        int hop = root.GetProperty("decidingHop").GetInt32();
        var acl = root.GetProperty("hops")[hop].GetProperty("acl");
        Assert.Equal("ls_out_acl", acl.GetProperty("stage").GetString());
        Assert.Equal(1000, acl.GetProperty("priority").GetInt32());
        Assert.Equal("to-lport", acl.GetProperty("direction").GetString());
        Assert.Equal("outport == @pg_db && ip4", acl.GetProperty("match").GetString());
        Assert.Equal("drop", acl.GetProperty("action").GetString());
        Assert.Equal("default deny (policy between-groups: deny)", acl.GetProperty("origin").GetString());
        Assert.Equal(acl.GetProperty("name").GetString(), root.GetProperty("acl").GetProperty("name").GetString());
    }

    [Fact]
    public void Acl_reply_shows_the_forward_packet_and_the_conntrack_pass()
    {
        var (code, text, _) = Run("acl", "examples/lab-small.yaml", "--from", "vm-api-0001", "--to", "vm-db-0002", "--dport", "5432", "--reply");
        Assert.Equal(0, code);
        Assert.StartsWith("forward: vm-api-0001/eth1", text, StringComparison.Ordinal);
        Assert.Contains("reply of an admitted connection (ct est,rpl)", text, StringComparison.Ordinal);
        Assert.EndsWith("verdict: delivered (conntrack: reply of an admitted connection (priority 65532))\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Acl_with_an_unknown_endpoint_is_bad_usage()
    {
        var (code, text, err) = Run("acl", "examples/lab-small.yaml", "--from", "vm-nope", "--to", "external");
        Assert.Equal(2, code);
        Assert.Equal("", text);
        Assert.Contains("unknown endpoint 'vm-nope'", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ovn_writes_one_script()
    {
        using var tmp = new TempDir();
        string dir = Path.Combine(tmp.Path, "ovn");
        Assert.Equal(0, Run("render", "examples/lab-small.yaml", "--target", "ovn", "-o", dir).Code);
        Assert.Equal(["ovn-nb.sh"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }
}
