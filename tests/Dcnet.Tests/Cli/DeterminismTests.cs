using Dcnet.Tests.Support;

namespace Dcnet.Tests.Cli;

/// <summary>
/// The same design gives byte-identical check --json, SARIF, show --json, bgp tables and what-ifs and rendered files: twice, with the server
/// GC, without tiered compilation, under German-Swiss and Turkish locales (decimal commas, dotless i) and in another
/// time zone.
/// </summary>
public class DeterminismTests
{
    public static TheoryData<string, string> Environments() => new()
    {
        { "again", "" },
        { "server GC", "DOTNET_gcServer=1" },
        { "no tiered compilation", "DOTNET_TieredCompilation=0" },
        { "de_CH", "LANG=de_CH.UTF-8;LC_ALL=de_CH.UTF-8" },
        { "tr_TR", "LANG=tr_TR.UTF-8;LC_ALL=tr_TR.UTF-8" },
        { "time zone", "TZ=Pacific/Chatham" },
    };

    private static readonly Lazy<Dictionary<string, string>> Baseline = new(() => Outputs(null));

    private static Dictionary<string, string> Outputs(IReadOnlyDictionary<string, string>? env)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string design in new[] { "examples/dc-5000.yaml", "examples/lab-small.yaml" })
        {
            result[design + " check --json"] = CliProcess.Run(env, "check", design, "--json").Out;
            result[design + " check --format sarif"] = CliProcess.Run(env, "check", design, "--format", "sarif").Out;
            result[design + " show --json"] = CliProcess.Run(env, "show", design, "--json").Out;
            result[design + " show"] = CliProcess.Run(env, "show", design).Out;
            result[design + " bonds --json"] = CliProcess.Run(env, "bonds", design, "--json").Out;
            result[design + " bonds"] = CliProcess.Run(env, "bonds", design).Out;
            result[design + " bgp"] = CliProcess.Run(env, "bgp", design).Out;
            result[design + " bgp --json"] = CliProcess.Run(env, "bgp", design, "--json").Out;
            result[design + " bgp --fail --json"] = CliProcess.Run(env, "bgp", design, "--fail", "link:spine-01/leaf-01", "--fail", "node:worker-002", "--json").Out;
            using var tmp = new TempDir();
            string dir = Path.Combine(tmp.Path, "out");
            Assert.Equal(0, CliProcess.Run(env, "render", design, "--target", "linux", "-o", dir).Code);
            foreach (var (file, content) in CliProcess.Snapshot(dir))
            {
                result[design + " render linux " + file] = content;
            }

            string frr = Path.Combine(tmp.Path, "frr");
            Assert.Equal(0, CliProcess.Run(env, "render", design, "--target", "frr", "-o", frr).Code);
            foreach (var (file, content) in CliProcess.Snapshot(frr))
            {
                result[design + " render frr " + file] = content;
            }

            result[design + " segment --json"] = CliProcess.Run(env, "segment", design, "--json").Out;
            result[design + " segment"] = CliProcess.Run(env, "segment", design).Out;
            string ovn = Path.Combine(tmp.Path, "ovn");
            Assert.Equal(0, CliProcess.Run(env, "render", design, "--target", "ovn", "-o", ovn).Code);
            foreach (var (file, content) in CliProcess.Snapshot(ovn))
            {
                result[design + " render ovn " + file] = content;
            }
        }

        return result;
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Outputs_are_byte_identical(string name, string variables)
    {
        var env = variables.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v[1]);
        var outputs = Outputs(env);
        Assert.Equal(Baseline.Value.Keys.Order(StringComparer.Ordinal), outputs.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in Baseline.Value)
        {
            Assert.True(value.Length > 0, key + " is empty");
            Assert.True(value == outputs[key], $"{key} differs under {name}");
        }
    }
}
