using System.Globalization;
using System.Text;
using System.Text.Json;
using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.Reporting;
using Dcnet.Text;

namespace Dcnet.Sdn;

/// <summary>The views of a <see cref="SegmentationAudit"/> (<c>dcnet segment</c>) and of an <see cref="AclDecision"/> (<c>dcnet acl</c>).</summary>
public static class SegmentReport
{
    /// <summary>Rows of the text matrix printed without --matrix.</summary>
    public const int TextRows = 40;

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static readonly IpFamily[] Families = [IpFamily.Ipv4, IpFamily.Ipv6];

    private static string Fam(IpFamily f) => f == IpFamily.Ipv4 ? "IPv4" : "IPv6";

    /// <summary>Per family: applicable pairs between different endpoints, open, partly open, closed, no path, leaks, blocks.</summary>
    public sealed record FamilySummary(bool Enforced, int Pairs, int Open, int Partial, int Closed, int NoPath, int IntendedOpen, int Leaks, int Blocks);

    public static FamilySummary Summarize(SegmentationAudit a, IpFamily f)
    {
        int pairs = 0, open = 0, partial = 0, closed = 0, noPath = 0, intended = 0, leaks = 0, blocks = 0;
        for (int d = 0; d < a.EndpointCount; d++)
        {
            foreach (var (n, c4, c6) in a.RowCounts(d))
            {
                var c = f == IpFamily.Ipv4 ? c4 : c6;
                if (!c.Applicable)
                {
                    continue;
                }

                pairs += n;
                if (!c.Reachable)
                {
                    noPath += n;
                }
                else if (c.Allowed.IsAll)
                {
                    open += n;
                }
                else if (c.Allowed.IsEmpty)
                {
                    closed += n;
                }
                else
                {
                    partial += n;
                }

                intended += c.Intended.IsEmpty ? 0 : n;
                leaks += c.Allowed.Except(c.Intended).IsEmpty ? 0 : n;
                blocks += c.Reachable && !c.Intended.Except(c.Allowed).IsEmpty ? n : 0;
            }
        }

        return new FamilySummary(a.EnforcedFamilies.Contains(f), pairs, open, partial, closed, noPath, intended, leaks, blocks);
    }

    /// <summary>"app-001", "app-001, app-002", or "app-002, app-003, ... (198 groups)".</summary>
    public static string Sources(SegmentationAudit a, IReadOnlyList<int> sources) => sources.Count <= 3
        ? string.Join(", ", sources.Select(a.EndpointName))
        : string.Create(CultureInfo.InvariantCulture, $"{a.EndpointName(sources[0])}, {a.EndpointName(sources[1])}, ... ({sources.Count} groups)");

    public static int ExitCode(SegmentationAudit a, Severity failOn) => a.Findings.Any(f => f.Severity >= failOn) ? 1 : 0;

    public static string Text(SegmentationAudit a, Severity failOn, bool fullMatrix)
    {
        var m = a.Model;
        var d = m.Network.Design;
        var sb = new StringBuilder();
        sb.Append(d.SourcePath).Append(": ").Append(d.Name).Append(" (").Append(Platforms.PlatformNames.Display(d.Platform)).Append(")\n");

        sb.Append("\nOVN logical network (render it with: dcnet render ").Append(d.SourcePath).Append(" --target ovn -o DIR)\n");
        var (total, from, to, allow, deny) = m.Counts();
        var ev = new AclEvaluator(m);
        int stateful = m.Switches.Count(s => ev.IsStateful(s.Index));
        var t = new TextTable("object", "count", "").AlignRight(1);
        t.Add("logical switches", N(m.Switches.Count), string.Join(", ", m.Switches.Take(6).Select(s => s.Name)) + (m.Switches.Count > 6 ? ", ..." : ""));
        t.Add("logical switch ports", N(m.Ports.Count), string.Create(CultureInfo.InvariantCulture, $"{N(m.VnicPorts.Count)} VM ports with port security, {m.Ports.Count(p => p.Type == LogicalPortType.Router)} router, {m.Ports.Count(p => p.Type == LogicalPortType.Localnet)} localnet"));
        t.Add("logical routers", m.Router is null ? "0" : "1", m.Router is { } lr ? $"{lr.Name}: {lr.Ports.Count} ports, {lr.Nat.Count} SNAT rules, gateway chassis {string.Join(", ", lr.GatewayChassis)}" : "");
        t.Add("port groups", N(m.PortGroups.Count), "pg_<group> per app group ('-' written '_')");
        t.Add("address sets", N(m.AddressSets.Count), "plus OVN's derived $pg_<group>_ip4/_ip6");
        t.Add("ACLs", N(total), string.Create(CultureInfo.InvariantCulture, $"{N(to)} to-lport (ls_out_acl), {N(from)} from-lport (ls_in_acl); {N(allow)} allow, {N(deny)} drop/reject"));
        t.Add("stateful switches", N(stateful), "allow-related: replies of admitted connections pass at priority 65532");
        t.WriteTo(sb);
        sb.Append("  Enforced where: each app group's port group holds a default deny (priority ").Append(LogicalNetworkBuilder.DefaultDenyPriority)
            .Append("), its within-group allow (").Append(LogicalNetworkBuilder.WithinGroupPriority)
            .Append(") and the rules toward it (").Append(LogicalNetworkBuilder.LowestRulePriority)
            .Append(" and up, first rule highest) as to-lport ACLs: OVN installs them on every switch holding a member and evaluates them in the egress pipeline toward the VM. Rules toward 'external' are from-lport ACLs on the source group (ingress pipeline).\n");

        sb.Append("\nReachability of new connections: ").Append(N(a.GroupCount)).Append(" groups + external, per family, transport and destination port\n");
        var st = new TextTable("family", "enforced", "pairs", "open", "partly open", "closed", "no path", "intended open", "leaks", "blocks").AlignRight(2, 3, 4, 5, 6, 7, 8, 9);
        foreach (var f in Families)
        {
            var s = Summarize(a, f);
            st.Add(Fam(f), s.Enforced ? "yes" : "NO", N(s.Pairs), N(s.Open), N(s.Partial), N(s.Closed), N(s.NoPath), N(s.IntendedOpen), N(s.Leaks), N(s.Blocks));
        }

        st.WriteTo(sb);

        var rows = new TextTable("from", "to", "IPv4 allowed", "IPv6 allowed", "note");
        int shown = 0, hidden = 0;
        for (int dd = 0; dd < a.EndpointCount; dd++)
        {
            foreach (var (all, c4, c6) in a.Rows(dd))
            {
                var sources = fullMatrix ? all : all.Where(s => s != dd && dd != a.External).ToList();
                if (sources.Count == 0 || (fullMatrix && !c4.Applicable && !c6.Applicable)
                    || (!fullMatrix && c4.Allowed.IsEmpty && c6.Allowed.IsEmpty && c4.Intended.IsEmpty && c6.Intended.IsEmpty))
                {
                    continue;
                }

                if (!fullMatrix && shown >= TextRows)
                {
                    hidden += sources.Count;
                    continue;
                }

                rows.Add(Sources(a, sources), a.EndpointName(dd), CellText(c4), CellText(c6), Note(c4, c6));
                shown++;
            }
        }

        sb.Append(fullMatrix ? "\nMatrix (every applicable pair)\n" : "\nAllowed or intended between different endpoints (group to group, and from external)\n");
        if (rows.RowCount == 0)
        {
            sb.Append("  nothing: no group reaches another group, and nothing from outside reaches a group\n");
        }
        else
        {
            rows.WriteTo(sb);
        }

        if (hidden > 0)
        {
            sb.Append("  ... ").Append(N(hidden)).Append(" more pairs (--matrix prints every row, --json has them all)\n");
        }

        if (a.TcpPortClasses.Count > 1 || a.UdpPortClasses.Count > 1)
        {
            sb.Append("  port classes: tcp ").Append(a.TcpPortClasses.Count).Append(", udp ").Append(a.UdpPortClasses.Count).Append(" (intervals no ACL boundary splits)\n");
        }

        sb.Append('\n');
        if (a.Findings.Count == 0)
        {
            sb.Append("No findings: the ACLs implement the intent exactly, for both families.\n");
        }
        else
        {
            sb.Append(FindingFormatter.Title(Foundation.Sdn)).Append('\n');
            foreach (var f in a.Findings)
            {
                sb.Append("  ").Append(FindingFormatter.Token(f.Severity).PadRight(8)).Append(f.Id).Append("  ").Append(f.Location.ToString()).Append('\n');
                sb.Append("          ").Append(f.Message).Append('\n');
                sb.Append("          fix: ").Append(f.FixText).Append('\n');
            }
        }

        int e = a.Findings.Count(f => f.Severity == Severity.Error), w = a.Findings.Count(f => f.Severity == Severity.Warning), i = a.Findings.Count(f => f.Severity == Severity.Info);
        sb.Append('\n').Append(string.Create(CultureInfo.InvariantCulture,
            $"{e} {(e == 1 ? "error" : "errors")}, {w} {(w == 1 ? "warning" : "warnings")}, {i} info from {new SdnChecks().Rules.Count} rules; fail-on {FindingFormatter.Token(failOn)}: exit {ExitCode(a, failOn)}\n"));
        return sb.ToString();
    }

    private static string CellText(MatrixCell c) => !c.Applicable ? "n/a" : !c.Reachable ? "no path" : c.Allowed.ToString();

    private static string Note(MatrixCell c4, MatrixCell c6)
    {
        var notes = new List<string>();
        foreach (var (f, c) in new[] { (IpFamily.Ipv4, c4), (IpFamily.Ipv6, c6) })
        {
            if (!c.Applicable)
            {
                continue;
            }

            var leak = c.Allowed.Except(c.Intended);
            var block = c.Intended.Except(c.Allowed);
            if (!leak.IsEmpty)
            {
                notes.Add($"LEAK {Fam(f)}: {leak}");
            }

            if (!block.IsEmpty && c.Reachable)
            {
                notes.Add($"BLOCK {Fam(f)}: {block}");
            }
        }

        return string.Join("; ", notes);
    }

    public static string Json(SegmentationAudit a, Severity failOn) => JsonOutput.Write(w =>
    {
        var m = a.Model;
        var d = m.Network.Design;
        var ev = new AclEvaluator(m);
        var (total, from, to, allow, deny) = m.Counts();
        w.WriteStartObject();
        w.WriteString("design", d.SourcePath);
        w.WriteString("name", d.Name);
        w.WriteStartObject("model");
        w.WriteNumber("logicalSwitches", m.Switches.Count);
        w.WriteNumber("switchPorts", m.Ports.Count);
        w.WriteNumber("vmPorts", m.VnicPorts.Count);
        w.WriteNumber("logicalRouters", m.Router is null ? 0 : 1);
        w.WriteNumber("portGroups", m.PortGroups.Count);
        w.WriteNumber("addressSets", m.AddressSets.Count);
        w.WriteStartObject("acls");
        w.WriteNumber("total", total);
        w.WriteNumber("toLport", to);
        w.WriteNumber("fromLport", from);
        w.WriteNumber("allow", allow);
        w.WriteNumber("deny", deny);
        w.WriteEndObject();
        w.WriteNumber("statefulSwitches", m.Switches.Count(s => ev.IsStateful(s.Index)));
        w.WriteEndObject();
        w.WriteStartArray("enforcedFamilies");
        foreach (var f in a.EnforcedFamilies)
        {
            w.WriteStringValue(Tokens.Of(f));
        }

        w.WriteEndArray();
        w.WriteStartArray("endpoints");
        for (int i = 0; i < a.EndpointCount; i++)
        {
            w.WriteStringValue(a.EndpointName(i));
        }

        w.WriteEndArray();
        w.WriteStartObject("portClasses");
        WriteClasses(w, "tcp", a.TcpPortClasses);
        WriteClasses(w, "udp", a.UdpPortClasses);
        w.WriteEndObject();
        w.WriteStartObject("summary");
        foreach (var f in Families)
        {
            var s = Summarize(a, f);
            w.WriteStartObject(Tokens.Of(f));
            w.WriteBoolean("enforced", s.Enforced);
            w.WriteNumber("pairs", s.Pairs);
            w.WriteNumber("open", s.Open);
            w.WriteNumber("partlyOpen", s.Partial);
            w.WriteNumber("closed", s.Closed);
            w.WriteNumber("noPath", s.NoPath);
            w.WriteNumber("intendedOpen", s.IntendedOpen);
            w.WriteNumber("leaks", s.Leaks);
            w.WriteNumber("blocks", s.Blocks);
            w.WriteEndObject();
        }

        w.WriteNumber("errors", a.Findings.Count(f => f.Severity == Severity.Error));
        w.WriteNumber("warnings", a.Findings.Count(f => f.Severity == Severity.Warning));
        w.WriteNumber("infos", a.Findings.Count(f => f.Severity == Severity.Info));
        w.WriteString("failOn", FindingFormatter.Token(failOn));
        w.WriteNumber("exitCode", ExitCode(a, failOn));
        w.WriteEndObject();

        w.WriteStartArray("matrix");
        for (int dd = 0; dd < a.EndpointCount; dd++)
        {
            foreach (var (sources, c4, c6) in a.Rows(dd))
            {
                if (c4.Allowed.IsEmpty && c6.Allowed.IsEmpty && c4.Intended.IsEmpty && c6.Intended.IsEmpty && (c4.Reachable || !c4.Applicable) && (c6.Reachable || !c6.Applicable))
                {
                    continue;
                }

                w.WriteStartObject();
                w.WriteStartArray("from");
                foreach (int s in sources)
                {
                    w.WriteStringValue(a.EndpointName(s));
                }

                w.WriteEndArray();
                w.WriteString("to", a.EndpointName(dd));
                WriteCell(w, "ipv4", c4);
                WriteCell(w, "ipv6", c6);
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
        w.WriteStartArray("findings");
        foreach (var f in a.Findings)
        {
            WriteFinding(w, f);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteClasses(Utf8JsonWriter w, string name, IReadOnlyList<PortRange> classes)
    {
        w.WriteStartArray(name);
        foreach (var r in classes)
        {
            w.WriteStringValue(r.ToString());
        }

        w.WriteEndArray();
    }

    private static void WriteCell(Utf8JsonWriter w, string name, MatrixCell c)
    {
        w.WriteStartObject(name);
        w.WriteBoolean("applicable", c.Applicable);
        w.WriteBoolean("reachable", c.Reachable);
        WriteSpace(w, "allowed", c.Allowed);
        WriteSpace(w, "intended", c.Intended);
        w.WriteEndObject();
    }

    /// <summary>A header-space region: ports as "443,8000-8100", "all" or "" for none.</summary>
    public static void WriteSpace(Utf8JsonWriter w, string name, TrafficSpace s)
    {
        w.WriteStartObject(name);
        w.WriteString("tcp", s.Tcp.IsEmpty ? "" : s.Tcp.ToString());
        w.WriteString("udp", s.Udp.IsEmpty ? "" : s.Udp.ToString());
        w.WriteBoolean("icmp", s.Icmp);
        w.WriteBoolean("other", s.Other);
        w.WriteEndObject();
    }

    private static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("id", f.Id);
        w.WriteString("severity", FindingFormatter.Token(f.Severity));
        w.WriteString("foundation", FindingFormatter.Token(f.Rule.Foundation));
        w.WriteString("title", f.Rule.Title);
        w.WriteString("message", f.Message);
        w.WriteStartArray("objects");
        foreach (string o in f.Objects)
        {
            w.WriteStringValue(o);
        }

        w.WriteEndArray();
        w.WriteStartObject("location");
        w.WriteString("file", f.Location.File);
        w.WriteNumber("line", f.Location.Line);
        w.WriteNumber("column", f.Location.Column);
        w.WriteEndObject();
        w.WriteString("fix", f.FixText);
        w.WriteEndObject();
    }

    // ----- dcnet acl -----

    private static string Proto(AclPacket p) => p.Transport switch
    {
        TransportClass.Tcp => "tcp",
        TransportClass.Udp => "udp",
        TransportClass.Icmp => p.Family == IpFamily.Ipv4 ? "icmp4" : "icmp6",
        _ => "ip proto " + p.IpProtocol.ToString(CultureInfo.InvariantCulture),
    };

    private static string EndpointText(LogicalNetwork m, int port, AclPacket p, bool source)
    {
        string ip = (source ? p.SourceIp : p.DestinationIp).ToString();
        if (port < 0)
        {
            return "outside " + ip;
        }

        var lsp = m.Ports[port];
        return $"{lsp.Name} ({lsp.Group?.Name}, {lsp.Switch.Name}, {ip})";
    }

    public static string AclText(AclDecision r)
    {
        var sb = new StringBuilder();
        var m = r.Model;
        if (r.Forward is { } fwd)
        {
            sb.Append("forward: ");
            AclBody(sb, fwd);
            sb.Append("\nreply: ");
        }

        AclBody(sb, r);
        return sb.ToString();
    }

    private static void AclBody(StringBuilder sb, AclDecision r)
    {
        var m = r.Model;
        if (r.Problem is not null)
        {
            sb.Append(r.Problem).Append('\n').Append("verdict: no-address\n");
            return;
        }

        var p = r.Packet;
        var e = r.Evaluation;
        sb.Append(EndpointText(m, p.SourcePort, p, true)).Append(" -> ").Append(EndpointText(m, p.DestinationPort, p, false)).Append('\n');
        sb.Append("  ").Append(Proto(p));
        if (p.Transport is TransportClass.Tcp or TransportClass.Udp)
        {
            sb.Append(' ').Append(p.L4Source).Append(" -> ").Append(p.L4Destination);
        }

        sb.Append(", ").Append(Fam(p.Family)).Append(", ").Append(r.Query.Reply && r.Forward is not null ? (r.Forward.Evaluation.Delivered ? "reply of an admitted connection (ct est,rpl)" : "reply, but the forward packet was not admitted: a new packet (ct new)") : "new connection (ct new)")
            .Append("; path: ").Append(StageText.Path(e.Path)).Append(e.SourceNatted ? " (source NATed at the gateway port)" : "").Append('\n');
        var t = new TextTable("#", "switch", "stage", "port", "decision");
        for (int i = 0; i < e.StageCount; i++)
        {
            var st = e.Stage(i);
            string via = st.Entry is StageEntry.Router ? " (via router)" : st.Entry is StageEntry.Fabric ? " (via fabric)" : "";
            t.Add((i + 1).ToString(CultureInfo.InvariantCulture), m.Switches[st.Switch].Name + via, StageText.Stage(st.Direction) + (st.Direction == AclDirection.FromLport ? " inport " : " outport "), m.Ports[st.Port].Name,
                (st.Passed ? "pass  " : st.Decision == StageDecision.NotReached ? "-     " : "DROP  ") + StageText.Decision(m, st));
            if (st.Decision == StageDecision.Acl)
            {
                var a = m.Acls[st.Acl];
                t.Add("", "", "", "", $"      priority {a.Priority} {Tokens.Of(a.Direction)}: {a.MatchText}");
            }
        }

        if (e.StageCount > 0)
        {
            t.WriteTo(sb);
        }

        sb.Append("verdict: ").Append(r.Verdict).Append(" (").Append(r.Reason).Append(")\n");
    }

    public static string AclJson(AclDecision r) => JsonOutput.Write(w => AclObject(w, r));

    private static void AclObject(Utf8JsonWriter w, AclDecision r)
    {
        var m = r.Model;
        var p = r.Packet;
        var e = r.Evaluation;
        w.WriteStartObject();
        w.WriteString("from", r.Query.Reply && r.Forward is not null ? r.Query.To : r.Query.From);
        w.WriteString("to", r.Query.Reply && r.Forward is not null ? r.Query.From : r.Query.To);
        w.WriteString("family", Tokens.Of(r.Query.Family));
        w.WriteString("protocol", r.Query.Transport switch { TransportClass.Tcp => "tcp", TransportClass.Udp => "udp", TransportClass.Icmp => "icmp", _ => "other" });
        w.WriteString("state", r.Forward is null ? "new" : r.Forward.Evaluation.Delivered ? "established-reply" : "new");
        w.WriteString("verdict", r.Verdict);
        w.WriteString("reason", r.Reason);
        if (r.Problem is null)
        {
            w.WriteStartObject("packet");
            w.WriteString("inport", p.SourcePort >= 0 ? m.Ports[p.SourcePort].Name : null);
            w.WriteString("outport", p.DestinationPort >= 0 ? m.Ports[p.DestinationPort].Name : null);
            w.WriteString("source", p.SourceIp.ToString());
            w.WriteString("destination", p.DestinationIp.ToString());
            w.WriteNumber("ipProtocol", p.IpProtocol);
            w.WriteNumber("sourcePort", p.L4Source);
            w.WriteNumber("destinationPort", p.L4Destination);
            w.WriteEndObject();
            w.WriteString("path", StageText.Path(e.Path));
            w.WriteBoolean("sourceNatted", e.SourceNatted);
            w.WriteStartArray("hops");
            for (int i = 0; i < e.StageCount; i++)
            {
                var st = e.Stage(i);
                w.WriteStartObject();
                w.WriteString("switch", m.Switches[st.Switch].Name);
                w.WriteString("entry", StageText.Entry(st.Entry));
                w.WriteString("stage", StageText.Stage(st.Direction));
                w.WriteString("direction", Tokens.Of(st.Direction));
                w.WriteString("port", m.Ports[st.Port].Name);
                w.WriteString("decision", StageText.Decision(st.Decision));
                w.WriteBoolean("passed", st.Passed);
                w.WriteString("why", StageText.Decision(m, st));
                w.WriteNumber("flowPriority", st.FlowPriority(m));
                if (st.Decision == StageDecision.Acl)
                {
                    WriteAcl(w, "acl", m.Acls[st.Acl]);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (e.DecidingStage >= 0)
            {
                w.WriteNumber("decidingHop", e.DecidingStage);
                var st = e.Stage(e.DecidingStage);
                if (st.Decision == StageDecision.Acl)
                {
                    WriteAcl(w, "acl", m.Acls[st.Acl]);
                }
                else
                {
                    w.WriteNull("acl");
                }
            }
            else
            {
                w.WriteNull("decidingHop");
                w.WriteNull("acl");
            }
        }

        if (r.Forward is { } fwd)
        {
            w.WritePropertyName("forward");
            AclObject(w, fwd);
        }

        w.WriteEndObject();
    }

    private static void WriteAcl(Utf8JsonWriter w, string name, Acl a)
    {
        w.WriteStartObject(name);
        w.WriteString("name", a.Name);
        w.WriteString("stage", a.Stage);
        w.WriteNumber("priority", a.Priority);
        w.WriteString("direction", Tokens.Of(a.Direction));
        w.WriteString("match", a.MatchText);
        w.WriteString("action", Tokens.Of(a.Action));
        w.WriteString("portGroup", a.Owner.Name);
        w.WriteString("origin", a.Origin.Description);
        w.WriteEndObject();
    }
}
