using System.Globalization;
using System.Text;
using Dcnet.Design;
using Dcnet.Sdn;
using Dcnet.Topology;

namespace Dcnet.Platforms.Ovn;

/// <summary>
/// The OVN northbound database of a design as one <c>ovn-nbctl</c> script. ovn-nbctl has no batch file, but one
/// invocation runs any number of commands joined by <c>--</c> in a single transaction; each invocation downloads the
/// whole NB database first, so the script packs the commands into as few invocations as the kernel's argument limit
/// (ARG_MAX, 2 MiB with the environment) allows: 5,000 ports and 20,000 ACLs load in about 3 s, against about 40 s
/// for one invocation per switch and port group (measured; BENCHMARKS.md).
/// </summary>
public sealed class OvnRenderer : IRenderer
{
    /// <summary>Bytes of argument strings and pointers one invocation may use, well under ARG_MAX.</summary>
    public const int ArgumentBudget = 1_000_000;

    /// <summary>A pseudo-unit that ends the current invocation.</summary>
    private static readonly Unit Barrier = new([]);

    public string Target => "ovn";

    public string Description => "ovn-nbctl script: logical switches, ports, router, port groups, address sets and ACLs";

    /// <summary>Also set log=true on every ACL, so ovn-trace and ovn-controller print the ACL's name when it decides. Off by
    /// default: logging every allow costs a trip to ovn-controller per logged packet.</summary>
    public bool LogAcls { get; init; }

    public IReadOnlyList<RenderedFile> Render(Network network) =>
        [new RenderedFile("ovn-nb.sh", Script(LogicalNetworkBuilder.Of(network), LogAcls))];

    /// <summary>The whole script.</summary>
    public static string Script(LogicalNetwork model, bool logAcls = false) => Script(model, logAcls, ArgumentBudget);

    /// <summary>The whole script, packed under another budget: tests use a small one to split a small design's joins.</summary>
    internal static string Script(LogicalNetwork model, bool logAcls, int argumentBudget)
    {
        var units = Units(model, logAcls);
        var invocations = Pack(units, model.PortGroups, argumentBudget);
        var sb = new StringBuilder(units.Sum(u => u.Args.Sum(a => a.Length + 4)) + 4096);
        var d = model.Network.Design;
        var (acls, from, to, _, _) = model.Counts();
        sb.Append("#!/bin/sh\n");
        sb.Append("# OVN northbound database of '").Append(Comment(d.Name)).Append("', rendered by dcnet from ").Append(Comment(d.SourcePath)).Append(".\n");
        sb.Append("# Load into an empty NB database: OVN_NB_DB=unix:/run/ovn/ovnnb_db.sock sh ovn-nb.sh\n");
        sb.Append("# It ends with 'ovn-nbctl --wait=sb sync' (northd compiled it); DCNET_OVN_WAIT=none skips that.\n");
        sb.Append(string.Create(CultureInfo.InvariantCulture,
            $"# {model.Switches.Count} logical switches, {model.Ports.Count} switch ports, {(model.Router is null ? 0 : 1)} logical router, {model.PortGroups.Count} port groups, {model.AddressSets.Count} address sets, {acls} ACLs ({to} to-lport, {from} from-lport), in {invocations.Count} ovn-nbctl transactions.\n"));
        sb.Append("# Names: app group G has port group pg_G with '-' written '_' (docs/sdn.md); ACLs are named <group>:<purpose>/<family> or rule<N>:<name>/<family>.\n");
        sb.Append("set -eu\n");
        foreach (var inv in invocations)
        {
            sb.Append("\novn-nbctl --no-wait");
            foreach (var unit in inv)
            {
                sb.Append(" \\\n  --");
                foreach (string arg in unit.Args)
                {
                    sb.Append(' ').Append(ShellQuote(arg));
                }
            }

            // 'create' prints the new row's UUID; thousands of them are noise.
            sb.Append(" \\\n  >/dev/null\n");
        }

        sb.Append("\n[ \"${DCNET_OVN_WAIT:-sb}\" = none ] || ovn-nbctl --wait=sb sync\n");
        return sb.ToString();
    }

    /// <summary>
    /// One or more commands that must share an invocation (an @id and its use). A VM port's unit creates the row only;
    /// <see cref="Pack"/> joins it to its switch and port groups by its @id at the end of the invocation.
    /// </summary>
    private sealed class Unit(List<string> args)
    {
        public List<string> Args { get; } = args;

        /// <summary>A VM port's switch.</summary>
        public string? Switch { get; init; }

        /// <summary>A VM port's @id.</summary>
        public string? Id { get; init; }

        /// <summary>A VM port's port groups, by index.</summary>
        public IReadOnlyList<int> Groups { get; init; } = [];
    }

    /// <summary>The commands, in load order.</summary>
    private static List<Unit> Units(LogicalNetwork model, bool logAcls)
    {
        var units = new List<Unit>();
        void U(params string[] args) => units.Add(new([.. args]));
        string I(long v) => v.ToString(CultureInfo.InvariantCulture);

        if (model.DefaultAclDrop)
        {
            U("set", "NB_Global", ".", "options:default_acl_drop=true");
        }

        foreach (var ls in model.Switches)
        {
            U("ls-add", ls.Name);
        }

        // Port groups start empty. VM ports are created with the generic 'create' and joined to their switch and port
        // groups by one 'add' per switch and per port group and invocation (Pack adds them): lsp-add into a switch that
        // already holds thousands of committed ports costs seconds per thousand, and pg-add resolves member names
        // slowly and puts every member on one command line, which a port group of 60,000 ports would overflow.
        foreach (var pg in model.PortGroups)
        {
            U("pg-add", pg.Name);
        }

        units.Add(Barrier);
        foreach (var p in model.Ports.Where(p => p.Type == LogicalPortType.Vif))
        {
            string id = "@p" + I(p.Index);
            units.Add(new(["--id=" + id, "create", "Logical_Switch_Port", "name=" + OvsdbString(p.Name),
                "addresses=" + OvsdbString(p.Addresses), "port_security=" + OvsdbString(p.PortSecurity!)]) { Switch = p.Switch.Name, Id = id, Groups = p.PortGroups });
        }

        units.Add(Barrier);

        foreach (var p in model.Ports.Where(p => p.Type == LogicalPortType.Localnet))
        {
            List<string> unit = ["lsp-add", p.Switch.Name, p.Name, "--", "lsp-set-type", p.Name, "localnet", "--", "lsp-set-addresses", p.Name, "unknown",
                "--", "lsp-set-options", p.Name, .. p.Options.Select(o => o.Key + "=" + o.Value)];
            if (p.Tag is int tag)
            {
                unit.AddRange(["--", "set", "Logical_Switch_Port", p.Name, "tag=" + I(tag)]);
            }

            units.Add(new(unit));
        }

        units.Add(Barrier);
        if (model.Router is { } lr)
        {
            U("lr-add", lr.Name);
            foreach (var rp in lr.Ports)
            {
                units.Add(new(["lrp-add", lr.Name, rp.Name, rp.Mac.ToString(), .. rp.Networks]));
                var lsp = rp.Switch.RouterPort!;
                U("lsp-add", rp.Switch.Name, lsp.Name, "--", "lsp-set-type", lsp.Name, "router", "--", "lsp-set-addresses", lsp.Name, "router",
                    "--", "lsp-set-options", lsp.Name, "router-port=" + rp.Name);
            }

            if (lr.GatewayPort is { } gw)
            {
                for (int i = 0; i < lr.GatewayChassis.Count; i++)
                {
                    U("lrp-set-gateway-chassis", gw.Name, lr.GatewayChassis[i], I(lr.GatewayChassis.Count - i));
                }
            }

            foreach (var r in lr.Routes)
            {
                U("lr-route-add", lr.Name, r.Prefix.ToString(), r.NextHop.ToString());
            }

            foreach (var n in lr.Nat)
            {
                U("lr-nat-add", lr.Name, n.Type, n.ExternalIp.ToString(), n.LogicalIp.ToString());
            }
        }

        foreach (var a in model.AddressSets)
        {
            U("create", "Address_Set", "name=" + a.Name, "addresses=[" + string.Join(",", a.Addresses.Select(x => OvsdbString(x.ToString()))) + "]");
        }

        units.Add(Barrier);
        foreach (var a in model.Acls)
        {
            string id = "@a" + I(a.Index);
            var unit = new List<string>
            {
                "--id=" + id, "create", "ACL", "name=" + OvsdbString(a.Name), "direction=" + Tokens.Of(a.Direction), "priority=" + I(a.Priority),
                "match=" + OvsdbString(a.MatchText), "action=" + Tokens.Of(a.Action),
            };
            if (logAcls)
            {
                unit.AddRange(["log=true", "severity=info"]);
            }

            unit.AddRange(["--", "add", "Port_Group", a.Owner.Name, "acls", id]);
            units.Add(new(unit));
        }

        return units;
    }

    /// <summary>Packs units into invocations under the budget; a unit larger than the budget gets one of
    /// its own. The VM ports of an invocation are joined at its end by one 'add Logical_Switch SW ports @id...' per
    /// switch and one 'add Port_Group PG ports @id...' per port group.</summary>
    private static List<List<Unit>> Pack(List<Unit> units, IReadOnlyList<PortGroup> portGroups, int budget)
    {
        var result = new List<List<Unit>>();
        var current = new List<Unit>();
        var switchJoins = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var groupJoins = new SortedDictionary<int, List<string>>();
        long size = 64;
        void Flush()
        {
            foreach (var (sw, ids) in switchJoins)
            {
                current.Add(new(["add", "Logical_Switch", sw, "ports", .. ids]));
            }

            foreach (var (pg, ids) in groupJoins)
            {
                current.Add(new(["add", "Port_Group", portGroups[pg].Name, "ports", .. ids]));
            }

            switchJoins.Clear();
            groupJoins.Clear();
            if (current.Count > 0)
            {
                result.Add(current);
            }

            current = [];
            size = 64;
        }

        foreach (var u in units)
        {
            if (ReferenceEquals(u, Barrier))
            {
                Flush();
                continue;
            }

            // Each argument costs its bytes, a NUL and a pointer; each join adds the @id once more, and a join command
            // the current invocation does not have yet costs its own words.
            long Cost()
            {
                long c = 10 + u.Args.Sum(a => (long)Encoding.UTF8.GetByteCount(a) + 1 + 8);
                if (u.Id is string id)
                {
                    c += (id.Length + 9) * (1 + u.Groups.Count);
                    c += switchJoins.ContainsKey(u.Switch!) ? 0 : 40 + u.Switch!.Length;
                    c += u.Groups.Where(g => !groupJoins.ContainsKey(g)).Sum(g => 40 + portGroups[g].Name.Length);
                }

                return c;
            }

            long cost = Cost();
            if (current.Count > 0 && size + cost > budget)
            {
                Flush();
                cost = Cost();
            }

            if (u.Id is string join)
            {
                Join(switchJoins, u.Switch!, join);
                foreach (int g in u.Groups)
                {
                    Join(groupJoins, g, join);
                }
            }

            current.Add(u);
            size += cost;
        }

        Flush();
        return result;
    }

    private static void Join<TKey>(SortedDictionary<TKey, List<string>> joins, TKey key, string id)
        where TKey : notnull
    {
        if (!joins.TryGetValue(key, out var ids))
        {
            joins[key] = ids = [];
        }

        ids.Add(id);
    }

    /// <summary>An OVSDB string literal, for generic database commands (<c>name="..."</c>).</summary>
    internal static string OvsdbString(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Quotes for POSIX sh: bare when harmless, else in single quotes.</summary>
    internal static string ShellQuote(string s)
    {
        if (s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "_./:=@,+-%".Contains(c, StringComparison.Ordinal)))
        {
            return s;
        }

        return "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static string Comment(string s) => s.Replace('\n', ' ').Replace('\r', ' ');
}
