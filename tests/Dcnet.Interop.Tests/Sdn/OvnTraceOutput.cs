using System.Globalization;
using System.Text.RegularExpressions;

namespace Dcnet.Interop.Tests.Sdn;

/// <summary>An ACL-stage flow ovn-trace reports: where, which priority, the NB match (hint wrapper removed), the verdict and the logged name.</summary>
public sealed record OvnAclHit(string Datapath, string Stage, int Priority, string Match, string Verdict, string? Name)
{
    public override string ToString() => $"{Datapath} {Stage} priority {Priority} {Verdict}{(Name is null ? "" : " " + Name)}: {Match}";
}

/// <summary>
/// Reads <c>ovn-trace --detailed</c> output (ovn-acl.md §6): pipeline headers, table entries with their action lines,
/// and the ports it outputs to. ACL stages are ls_in_acl and ls_out_acl; user ACLs sit at priority 1000 and up, the
/// conntrack reply flow at 65532. Hits after the first drop or reject are not collected: a reject goes on to trace the
/// RST it sends back, whose stages are not the packet's.
/// </summary>
public static partial class OvnTraceOutput
{
    [GeneratedRegex("""^(?<pipe>ingress|egress)\(dp="(?<dp>[^"]+)", inport="[^"]+"(?:, outport="[^"]+")?\)$""")]
    private static partial Regex Pipeline();

    [GeneratedRegex("""^ *\d+\. (?<stage>[a-z_]+)(?: \([^)]*\))?: (?<match>.*), priority (?<prio>\d+), uuid [0-9a-f]+$""")]
    private static partial Regex Table();

    [GeneratedRegex("""/\* output to "(?<port>[^"]+)", type "[^"]*" \*/""")]
    private static partial Regex Output();

    [GeneratedRegex("""log\(name="(?<name>[^"]*)",""")]
    private static partial Regex Log();

    [GeneratedRegex("""^reg0\[(?:7|8|9|10)\] == 1 && \((?<m>.*)\)$""")]
    private static partial Regex Hinted();

    [GeneratedRegex("""^\(reg0\[(?:9|10)\] == 1\) && (?<m>.*)$""")]
    private static partial Regex RejectHinted();

    public sealed record Parsed(IReadOnlyList<OvnAclHit> Hits, IReadOnlyList<string> Outputs, bool CtBudgetExhausted);

    public static Parsed Parse(string text)
    {
        var hits = new List<OvnAclHit>();
        var outputs = new List<string>();
        string dp = "";
        bool stopped = false;
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd();
            if (Pipeline().Match(line) is { Success: true } pm)
            {
                dp = pm.Groups["dp"].Value;
                continue;
            }

            foreach (Match om in Output().Matches(line))
            {
                if (!stopped)
                {
                    outputs.Add(om.Groups["port"].Value);
                }
            }

            var tm = Table().Match(line);
            if (!tm.Success || tm.Groups["stage"].Value is not ("ls_in_acl" or "ls_out_acl"))
            {
                continue;
            }

            int prio = int.Parse(tm.Groups["prio"].Value, CultureInfo.InvariantCulture);
            var actions = new List<string>();
            for (int j = i + 1; j < lines.Length && lines[j].StartsWith("    ", StringComparison.Ordinal) && !Table().IsMatch(lines[j]); j++)
            {
                actions.Add(lines[j].Trim());
            }

            string all = string.Join("\n", actions);
            string verdict = all.Contains("reject {", StringComparison.Ordinal) ? "reject"
                : actions.Any(a => a == "next;" || a.StartsWith("next(", StringComparison.Ordinal)) ? "pass"
                : "drop";
            if (prio < 1000 || stopped)
            {
                continue;
            }

            string match = tm.Groups["match"].Value;
            if (Hinted().Match(match) is { Success: true } h)
            {
                match = h.Groups["m"].Value;
            }
            else if (RejectHinted().Match(match) is { Success: true } rh)
            {
                match = rh.Groups["m"].Value;
            }

            string? name = Log().Match(all) is { Success: true } lm ? lm.Groups["name"].Value : null;
            hits.Add(new OvnAclHit(dp, tm.Groups["stage"].Value, prio, match, verdict, name));
            if (verdict != "pass")
            {
                stopped = true;
            }
        }

        return new Parsed(hits, outputs, text.Contains("default (use --ct to customize)", StringComparison.Ordinal));
    }
}
