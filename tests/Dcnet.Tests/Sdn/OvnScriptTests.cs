using System.Text;
using Dcnet.Platforms.Ovn;
using Dcnet.Sdn;

namespace Dcnet.Tests.Sdn;

/// <summary>
/// The OVN script read back as ovn-nbctl would run it: which rows each invocation creates and which switch and port
/// group each VM port joins. The real load into OVN is in the interop tests (OvnScriptInteropTests).
/// </summary>
public class OvnScriptTests
{
    [Theory]
    [InlineData(OvnRenderer.ArgumentBudget)]
    [InlineData(1_500)]
    public void Every_vm_port_joins_its_switch_and_every_port_group_once_in_the_invocation_that_creates_it(int budget)
    {
        var m = LogicalNetworkBuilder.Build(SdnFixtures.Interop());
        var invocations = Invocations(OvnRenderer.Script(m, logAcls: false, budget));
        var switches = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var inv in invocations)
        {
            // Each argument costs its bytes, a NUL and a pointer (execve); the budget leaves room for the environment.
            long bytes = inv.Sum(c => c.Sum(a => Encoding.UTF8.GetByteCount(a) + 9L));
            Assert.True(bytes < budget, $"an invocation of {inv.Count} commands takes {bytes} bytes, over {budget}");

            var created = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var c in inv)
            {
                switch (c)
                {
                    case ["pg-add", string pg]:
                        Assert.True(groups.TryAdd(pg, []), $"{pg} added twice");
                        break;
                    case [string id, "create", "Logical_Switch_Port", string name, ..]:
                        created.Add(id["--id=".Length..], Unquote(name["name=".Length..]));
                        break;
                    case ["add", "Logical_Switch", string sw, "ports", .. var ids]:
                        Members(switches, sw).AddRange(ids.Select(i => created[i]));
                        break;
                    case ["add", "Port_Group", string pg, "ports", .. var ids]:
                        Assert.True(groups.ContainsKey(pg), $"{pg} joined before pg-add");
                        groups[pg].AddRange(ids.Select(i => created[i]));
                        break;
                }
            }
        }

        if (budget < OvnRenderer.ArgumentBudget)
        {
            // The small budget splits a port group's joins over several invocations, as 60,000 ports would the real one.
            int most = invocations.SelectMany(inv => inv.Where(c => c is ["add", "Port_Group", _, "ports", ..]).Select(c => c[2]).Distinct()).CountBy(g => g).Max(kv => kv.Value);
            Assert.True(most >= 3, $"the most split port group joins in {most} invocations");
        }

        foreach (var pg in m.PortGroups)
        {
            Assert.Equal(pg.Ports.Select(p => p.Name).Order(StringComparer.Ordinal), groups[pg.Name].Order(StringComparer.Ordinal));
        }

        Assert.Equal(m.PortGroups.Count, groups.Count);
        foreach (var ls in m.Switches)
        {
            var vifs = m.Ports.Where(p => p.Switch == ls && p.Type == LogicalPortType.Vif).Select(p => p.Name).Order(StringComparer.Ordinal);
            Assert.Equal(vifs, switches.GetValueOrDefault(ls.Name, []).Order(StringComparer.Ordinal));
        }
    }

    private static List<string> Members(Dictionary<string, List<string>> d, string key) => d.TryGetValue(key, out var l) ? l : d[key] = [];

    private static string Unquote(string ovsdb) => ovsdb[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    /// <summary>The ovn-nbctl invocations of a script, each a list of commands, each a list of arguments as the shell passes them.</summary>
    internal static List<List<string[]>> Invocations(string script)
    {
        var result = new List<List<string[]>>();
        foreach (string block in script.Split("\novn-nbctl --no-wait", StringSplitOptions.None).Skip(1))
        {
            string body = block[..block.IndexOf(">/dev/null", StringComparison.Ordinal)].Replace(" \\\n  ", " ", StringComparison.Ordinal);
            var words = ShellWords(body);
            var commands = new List<string[]>();
            var current = new List<string>();
            foreach (string w in words)
            {
                if (w == "--")
                {
                    if (current.Count > 0)
                    {
                        commands.Add([.. current]);
                    }

                    current.Clear();
                }
                else
                {
                    current.Add(w);
                }
            }

            if (current.Count > 0)
            {
                commands.Add([.. current]);
            }

            result.Add(commands);
        }

        return result;
    }

    /// <summary>POSIX sh word splitting for what the renderer writes: bare words and single-quoted strings.</summary>
    private static List<string> ShellWords(string s)
    {
        var words = new List<string>();
        var w = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\'')
            {
                int end = s.IndexOf('\'', i + 1);
                w.Append(s, i + 1, end - i - 1);
                i = end;
                inWord = true;
            }
            else if (c == '\\' && i + 1 < s.Length)
            {
                w.Append(s[++i]);
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(w.ToString());
                    w.Clear();
                    inWord = false;
                }
            }
            else
            {
                w.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(w.ToString());
        }

        return words;
    }
}
