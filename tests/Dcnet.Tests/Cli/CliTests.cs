using Dcnet.Cli;
using Dcnet.Tests.Support;

namespace Dcnet.Tests.Cli;

/// <summary>The command line: exit codes and output files, run in-process.</summary>
public class CliTests
{
    /// <summary>The runner starts in the test binary's folder; paths in golden outputs read as users type them from the repository root.</summary>
    public CliTests() => Directory.SetCurrentDirectory(Repo.Root);

    private static (int Code, string Out, string Err) Run(params string[] args) => InProcessCli.Run(args);

    private static string WriteDesign(string dir, string yaml)
    {
        string path = Path.Combine(dir, "design.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void Check_on_a_clean_design_exits_0_and_prints_a_summary_line()
    {
        var (code, output, _) = Run("check", Repo.Path("examples", "lab-small.yaml"));
        Assert.Equal(0, code);
        // Info findings (such as BOND006, the per-flow cap of a live migration) do not make a design unclean.
        Assert.Matches("0 errors, 0 warnings, [0-9]+ info from " + Dcnet.Checks.CheckRegistry.Rules.Count + " rules; fail-on error: exit 0\n$", output);
    }

    [Fact]
    public void Check_exits_1_on_errors_and_fail_on_sets_the_threshold()
    {
        using var tmp = new TempDir();
        string warn = WriteDesign(tmp.Path, Designs.Minimal.Replace("10.1.0.0/24", "10.1.0.0/28", StringComparison.Ordinal));
        Assert.Equal(0, Run("check", warn).Code);
        Assert.Equal(1, Run("check", warn, "--fail-on", "warning").Code);
        string error = WriteDesign(tmp.Path, Designs.Minimal.Replace("10.1.0.0/24", "10.1.0.0/29", StringComparison.Ordinal));
        Assert.Equal(1, Run("check", error).Code);
    }

    [Fact]
    public void Bad_input_exits_2_and_writes_no_output_file()
    {
        using var tmp = new TempDir();
        string design = WriteDesign(tmp.Path, "name: t\nplatform: linux\nfabric: { spine: 2 }\n");
        string output = Path.Combine(tmp.Path, "out.sarif");
        var (code, stdout, stderr) = Run("check", design, "--format", "sarif", "-o", output);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("design.yaml:3:11: unknown key 'spine' in fabric; did you mean 'spines'?", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Single(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public void Bad_usage_exits_2()
    {
        Assert.Equal(2, Run("check").Code);
        Assert.Equal(2, Run("frobnicate").Code);
        Assert.Equal(2, Run("check", "x.yaml", "--fail-on", "sometimes").Code);
    }

    [Fact]
    public void Json_and_sarif_outputs_are_written_atomically_to_the_output_file()
    {
        using var tmp = new TempDir();
        string output = Path.Combine(tmp.Path, "findings.json");
        Assert.Equal(0, Run("check", Repo.Path("examples", "lab-small.yaml"), "--json", "-o", output).Code);
        Assert.StartsWith("{\n  \"design\":", File.ReadAllText(output), StringComparison.Ordinal);
        Assert.Equal(["findings.json"], Directory.GetFiles(tmp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Init_writes_a_design_that_loads_and_checks_clean()
    {
        using var tmp = new TempDir();
        string output = Path.Combine(tmp.Path, "dc.yaml");
        Assert.Equal(0, Run("init", "--vms", "100000", "--hosts", "2000", "--leaves", "64", "--groups", "4000", "--dual-stack", "-o", output).Code);
        var (code, text, _) = Run("check", output);
        Assert.Equal(0, code);
        Assert.Contains("2,000 hosts, 100,000 VMs in 4,000 groups", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_prints_counts_address_plan_hosts_per_leaf_and_vms_per_host()
    {
        var (code, text, _) = Run("show", Repo.Path("examples", "lab-small.yaml"));
        Assert.Equal(0, code);
        foreach (string heading in new[] { "Counts", "Fabric", "Address plan", "Hosts per leaf", "VMs per host" })
        {
            Assert.Contains("\n" + heading + "\n", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Show_json_is_golden()
    {
        var (code, json, err) = Run("show", "examples/lab-small.yaml", "--json");
        Assert.True(code == 0, err);
        Golden.Assert("tests/Dcnet.Tests/Cli/Golden/show-lab-small.json", json);
    }

    [Fact]
    public void Show_text_is_golden()
    {
        var (code, text, _) = Run("show", "examples/lab-small.yaml");
        Assert.Equal(0, code);
        Golden.Assert("tests/Dcnet.Tests/Cli/Golden/show-lab-small.txt", text);
    }
}
