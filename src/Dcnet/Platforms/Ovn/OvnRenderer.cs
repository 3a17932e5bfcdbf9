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
    private const string Barrier = "\0barrier";

    /// <summary>Starts a VM port unit: switch name and @id follow, then the create command.</summary>
    private const string PortMarker = "\0port";

    public string Target => "ovn";

    public string Description => "ovn-nbctl script: logical switches, ports, router, port groups, address sets and ACLs";

    /// <summary>Also set log=true on every ACL, so ovn-trace and ovn-controller print the ACL's name when it decides. Off by
    /// default: logging every allow costs a trip to ovn-controller per logged packet.</summary>
    public bool LogAcls { get; init; }

    public IReadOnlyList<RenderedFile> Render(Network network) =>
        [new RenderedFile("ovn-nb.sh", Script(LogicalNetworkBuilder.Of(network), LogAcls))];

    /// <summary>The whole script.</summary>
    public static string Script(LogicalNetwork model, bool logAcls = false)
    {
        var units = Units(model, logAcls);
        var invocations = Pack(units);
        var sb = new StringBuilder(units.Sum(u => u.Sum(a => a.Length + 4)) + 4096);
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
                foreach (string arg in unit)
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

    /// <summary>The commands, in load order; a unit is one or more commands that must share an invocation (an @id and its use).</summary>
    private static List<List<string>> Units(LogicalNetwork model, bool logAcls)
    {
        var units = new List<List<string>>();
        void U(params string[] args) => units.Add([.. args]);
        string I(long v) => v.ToString(CultureInfo.InvariantCulture);

        if (model.DefaultAclDrop)
        {
            U("set", "NB_Global", ".", "options:default_acl_drop=true");
        }

        foreach (var ls in model.Switches)
        {
            U("ls-add", ls.Name);
        }

        // VM ports are created with the generic 'create' and joined to their switch by one 'add' per switch and
        // invocation (Pack adds it): lsp-add into a switch that already holds thousands of committed ports costs
        // seconds per thousand, the single 'add' a fraction of that.
        units.Add([Barrier]);
        foreach (var p in model.Ports.Where(p => p.Type == LogicalPortType.Vif))
        {
            units.Add([PortMarker, p.Switch.Name, "@p" + I(p.Index), "--id=@p" + I(p.Index), "create", "Logical_Switch_Port", "name=" + OvsdbString(p.Name),
                "addresses=" + OvsdbString(p.Addresses), "port_security=" + OvsdbString(p.PortSecurity!)]);
        }

        units.Add([Barrier]);

        foreach (var p in model.Ports.Where(p => p.Type == LogicalPortType.Localnet))
        {
            List<string> unit = ["lsp-add", p.Switch.Name, p.Name, "--", "lsp-set-type", p.Name, "localnet", "--", "lsp-set-addresses", p.Name, "unknown",
                "--", "lsp-set-options", p.Name, .. p.Options.Select(o => o.Key + "=" + o.Value)];
            if (p.Tag is int tag)
            {
                unit.AddRange(["--", "set", "Logical_Switch_Port", p.Name, "tag=" + I(tag)]);
            }

            units.Add(unit);
        }

        // ovn-nbctl resolves port names of rows created in the same invocation slowly (20 s for 2,000 port groups'
        // members at 5,000 ports, against 1 s once committed): port groups start a new invocation.
        units.Add([Barrier]);
        if (model.Router is { } lr)
        {
            U("lr-add", lr.Name);
            foreach (var rp in lr.Ports)
            {
                units.Add(["lrp-add", lr.Name, rp.Name, rp.Mac.ToString(), .. rp.Networks]);
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

        units.Add([Barrier]);
        foreach (var pg in model.PortGroups)
        {
            units.Add(["pg-add", pg.Name, .. pg.Ports.Select(p => p.Name)]);
        }

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
            units.Add(unit);
        }

        return units;
    }

    /// <summary>Packs units into invocations under <see cref="ArgumentBudget"/>; a unit larger than the budget gets one of
    /// its own. VM port units get, at the end of their invocation, one 'add Logical_Switch SW ports @id...' per switch.</summary>
    private static List<List<List<string>>> Pack(List<List<string>> units)
    {
        var result = new List<List<List<string>>>();
        var current = new List<List<string>>();
        var joins = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        long size = 64;
        void Flush()
        {
            foreach (var (sw, ids) in joins)
            {
                current.Add(["add", "Logical_Switch", sw, "ports", .. ids]);
            }

            joins.Clear();
            if (current.Count > 0)
            {
                result.Add(current);
            }

            current = [];
            size = 64;
        }

        foreach (var u in units)
        {
            if (u is [Barrier])
            {
                Flush();
                continue;
            }

            bool port = u[0] == PortMarker;
            var command = port ? u.Skip(3).ToList() : u;
            long cost = 10 + command.Sum(a => (long)Encoding.UTF8.GetByteCount(a) + 1 + 8) + (port ? u[2].Length + 9 : 0);
            if (current.Count > 0 && size + cost > ArgumentBudget)
            {
                Flush();
            }

            if (port)
            {
                if (!joins.TryGetValue(u[1], out var ids))
                {
                    joins[u[1]] = ids = [];
                    cost += 40 + u[1].Length;
                }

                ids.Add(u[2]);
            }

            current.Add(command);
            size += cost;
        }

        Flush();
        return result;
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
