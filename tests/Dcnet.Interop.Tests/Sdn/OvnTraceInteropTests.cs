using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dcnet.Design;
using Dcnet.Interop.Tests.Support;
using Dcnet.Platforms.Ovn;
using Dcnet.Sdn;
using Dcnet.Topology;
using Network = Dcnet.Topology.Network;

namespace Dcnet.Interop.Tests.Sdn;

/// <summary>
/// dcnet's OVN rendering and ACL evaluation against real OVN 23.03: the rendered ovn-nbctl script is loaded into a
/// private NB database, ovn-northd compiles it, and for every endpoint pair of the fixture design, every probe
/// (transport and port), both families, new connections and replies, ovn-trace's verdict and deciding ACL flows are
/// compared with dcnet's, run by run. Expected values come from dcnet at test time.
/// </summary>
public class OvnTraceInteropTests(ITestOutputHelper output)
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Sdn", "Fixtures", "ovn-interop.yaml");

    /// <summary>Ports and transports probed for every pair: one per port class of the fixture's rules, and a few outside them.</summary>
    private static readonly (TransportClass T, int Port)[] Probes =
    [
        (TransportClass.Tcp, 22), (TransportClass.Tcp, 23), (TransportClass.Tcp, 25), (TransportClass.Tcp, 443), (TransportClass.Tcp, 1521),
        (TransportClass.Tcp, 5432), (TransportClass.Tcp, 5433), (TransportClass.Tcp, 8080), (TransportClass.Tcp, 8444),
        (TransportClass.Udp, 53), (TransportClass.Udp, 67), (TransportClass.Icmp, 0), (TransportClass.Other, 0),
    ];

    private sealed record Flow(string Label, AclPacket Packet, AclEvaluation Evaluation, bool Reply);

    /// <summary>The model as dcnet renders it, and variants with the other ACL semantics OVN has: plain allow (no switch
    /// is stateful, so replies face the ACLs), allow-stateless, and NB_Global default_acl_drop.</summary>
    public static TheoryData<string> Variants() => new("as-rendered", "allow", "allow-stateless", "default-acl-drop");

    private static LogicalNetwork Variant(Network network, string variant) => variant == "as-rendered"
        ? LogicalNetworkBuilder.Build(network)
        : LogicalNetworkBuilder.WithActions(network, a => variant switch
        {
            "allow" when a.Action == AclAction.AllowRelated => AclAction.Allow,
            "allow-stateless" when a.Action == AclAction.AllowRelated && a.Origin.Purpose == AclPurpose.Rule => AclAction.AllowStateless,
            _ => a.Action,
        }, defaultAclDrop: variant == "default-acl-drop");

    [Theory]
    [MemberData(nameof(Variants))]
    public void Ovn_trace_agrees_with_dcnet_on_every_pair_probe_family_and_reply(string variant)
    {
        var network = Resolver.Resolve(DesignLoader.Load(Fixture, "ovn-interop.yaml"));
        var model = Variant(network, variant);
        var ev = new AclEvaluator(model);
        using var ovn = new OvnLab(nameof(Ovn_trace_agrees_with_dcnet_on_every_pair_probe_family_and_reply) + "-" + variant);

        string script = ovn.Path("ovn-nb.sh");
        File.WriteAllText(script, OvnRenderer.Script(model));
        var load = ovn.Load(script);
        NbMatchesModel(ovn, model);
        LearnFabricGatewayMac(ovn, model);

        var flows = Flows(model, ev);
        if (variant != "default-acl-drop")
        {
            Assert.Contains(flows, f => f.Reply && f.Evaluation.Delivered);
            Assert.Contains(flows, f => f.Evaluation.Outcome == AclOutcome.Rejected);
            Assert.Contains(flows, f => f.Evaluation.Path == PathKind.ViaFabric && f.Evaluation.SourceNatted && f.Evaluation.Delivered);
            Assert.Contains(flows, f => !f.Reply && Enumerable.Range(0, f.Evaluation.StageCount).Any(i => f.Evaluation.Stage(i) is { Decision: StageDecision.Acl, Direction: AclDirection.FromLport }));
        }

        if (variant == "allow")
        {
            Assert.Contains(flows, f => f.Reply && f.Evaluation.Outcome == AclOutcome.Dropped);
        }

        if (variant == "default-acl-drop")
        {
            Assert.Contains(flows, f => f.Evaluation.Deciding is { Decision: StageDecision.DefaultDrop });
        }

        using var forward = ovn.TraceDaemon("trace-new", "new", 20_000);
        using var replies = ovn.TraceDaemon("trace-rpl", "est,rpl", 20_000);
        var failures = new List<string>();
        int runs = 0;
        var clock = Stopwatch.StartNew();
        foreach (var f in flows)
        {
            foreach (var run in OvnTraceFlow.Runs(model, f.Packet, f.Evaluation))
            {
                runs++;
                string text = (f.Reply ? replies : forward).Call("trace", "--detailed", run.Datapath, run.Microflow);
                if (Compare(model, f, run, text) is string problem)
                {
                    failures.Add($"{f.Label}: {problem}\n  ovn-trace {(f.Reply ? "--ct=est,rpl" : "--ct=new")} --detailed {run.Datapath} '{run.Microflow}'\n  --- dcnet ---\n{DcnetTrace(model, f.Evaluation)}  --- ovn-trace ---\n{Indent(text)}");
                }
            }
        }

        double daemonMs = clock.Elapsed.TotalMilliseconds / runs;

        // One-shot ovn-trace loads the SB database for every flow: timed on a sample, for BENCHMARKS.md.
        var sample = flows.Where(f => !f.Reply).Take(20).Select(f => OvnTraceFlow.Runs(model, f.Packet, f.Evaluation)[0]).ToList();
        clock.Restart();
        foreach (var run in sample)
        {
            ovn.Trace("--detailed", "--ct=new", "--ct=new", "--ct=new", "--ct=new", run.Datapath, run.Microflow).EnsureOk();
        }

        double oneShotMs = clock.Elapsed.TotalMilliseconds / sample.Count;
        clock.Restart();
        int evaluated = 0;
        for (int k = 0; k < 1000; k++)
        {
            foreach (var f in flows)
            {
                _ = ev.Evaluate(f.Packet, f.Reply ? ConnectionState.EstablishedReply : ConnectionState.New);
                evaluated++;
            }
        }

        double dcnetUs = clock.Elapsed.TotalMilliseconds * 1000 / evaluated;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ovn-interop {variant}: {model.Ports.Count} ports, {model.Acls.Count} ACLs loaded in {load.TotalMilliseconds:0} ms; {flows.Count} flows ({flows.Count(f => f.Reply)} replies) in {runs} ovn-trace runs; daemon {daemonMs:0.00} ms/trace, one-shot {oneShotMs:0.0} ms/trace, dcnet {dcnetUs:0.000} us/packet; {failures.Count} disagreements"));
        Assert.True(failures.Count == 0, $"{failures.Count} of {runs} ovn-trace runs disagree with dcnet:\n\n" + string.Join("\n\n", failures.Take(8)));
    }

    /// <summary>The NB ACL table holds exactly the model's ACLs, field by field.</summary>
    private static void NbMatchesModel(OvnLab ovn, LogicalNetwork model)
    {
        var rows = ovn.Nbctl("--format=csv", "--data=bare", "--no-headings", "--columns=name,priority,direction,action,match", "list", "ACL").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Csv).Select(c => string.Join(" | ", c)).Order(StringComparer.Ordinal).ToList();
        var expected = model.Acls.Select(a => string.Join(" | ", a.Name, a.Priority.ToString(CultureInfo.InvariantCulture), Tokens.Of(a.Direction), Tokens.Of(a.Action), a.MatchText))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, rows);
        var portNames = Rows(ovn, "Logical_Switch_Port", "_uuid,name").ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal);
        Assert.Equal(model.Ports.Select(p => p.Name).Order(StringComparer.Ordinal), portNames.Values.Order(StringComparer.Ordinal));

        // Membership by name, as the NB holds it: every switch's ports and every port group's ports.
        static string Members(IEnumerable<string> names) => string.Join(' ', names.Order(StringComparer.Ordinal));
        string Nb(string table) => string.Join('\n', Rows(ovn, table, "name,ports").Select(r => r[0] + ": " + Members(r[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(u => portNames[u])))
            .Order(StringComparer.Ordinal));
        Assert.Equal(string.Join('\n', model.Switches.Select(ls => ls.Name + ": " + Members(model.Ports.Where(p => p.Switch == ls).Select(p => p.Name))).Order(StringComparer.Ordinal)),
            Nb("Logical_Switch"));
        Assert.Equal(string.Join('\n', model.PortGroups.Select(pg => pg.Name + ": " + Members(pg.Ports.Select(p => p.Name))).Order(StringComparer.Ordinal)), Nb("Port_Group"));
    }

    private static IEnumerable<List<string>> Rows(OvnLab ovn, string table, string columns) =>
        ovn.Nbctl("--format=csv", "--data=bare", "--no-headings", "--columns=" + columns, "list", table).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Csv);

    /// <summary>
    /// The script packs VM ports into invocations and joins each to its switch and port groups by @id in the
    /// invocation that creates it. Packed under a tiny budget, the fixture's ports and port groups are split over
    /// many invocations, as a port group of 60,000 ports is at the real budget: real OVN must end with the same
    /// database, every membership included.
    /// </summary>
    [Fact]
    public void A_script_split_into_many_invocations_builds_the_same_northbound_database()
    {
        var model = LogicalNetworkBuilder.Build(Resolver.Resolve(DesignLoader.Load(Fixture, "ovn-interop.yaml")));
        using var ovn = new OvnLab(nameof(A_script_split_into_many_invocations_builds_the_same_northbound_database));
        string script = ovn.Path("ovn-nb.sh");
        string text = OvnRenderer.Script(model, logAcls: false, argumentBudget: 1_500);
        int most = model.PortGroups.Max(pg => text.Split($" add Port_Group {pg.Name} ports ", StringSplitOptions.None).Length - 1);
        Assert.True(most >= 3, $"the most split port group is joined in {most} invocations");
        File.WriteAllText(script, text);
        ovn.Load(script);
        NbMatchesModel(ovn, model);
    }

    /// <summary>Splits one CSV line (ovn-nbctl quotes fields with commas or quotes, doubling inner quotes).</summary>
    private static List<string> Csv(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        fields.Add(sb.ToString());
        return fields;
    }

    /// <summary>
    /// Real OVN learns the fabric gateway's MAC by ARP/ND at run time; ovn-trace reads learned bindings from the SB
    /// MAC_Binding table, so the test writes the one a running gateway would have learned.
    /// </summary>
    private static void LearnFabricGatewayMac(OvnLab ovn, LogicalNetwork model)
    {
        var lr = model.Router!;
        string dp = ovn.Sbctl("--bare", "--columns=_uuid", "find", "Datapath_Binding", "external_ids:name=" + lr.Name).Stdout.Trim();
        foreach (var route in lr.Routes)
        {
            ovn.Sbctl("create", "MAC_Binding", "logical_port=" + lr.GatewayPort!.Name, "ip=\"" + route.NextHop + "\"", "mac=\"" + OvnTraceFlow.FabricGatewayMac + "\"", "datapath=" + dp);
        }
    }

    /// <summary>Every pair of endpoints (first VMs of each group, two of one group for within, and 'external'), every probe, both families; plus the reply of each delivered one.</summary>
    private static List<Flow> Flows(LogicalNetwork model, AclEvaluator ev)
    {
        var net = model.Network;
        var flows = new List<Flow>();
        foreach (var f in new[] { IpFamily.Ipv4, IpFamily.Ipv6 })
        {
            var outside = SegmentationAudit.ExternalAddress(ev, f);
            var ends = net.Groups.Select(g => (Vm?)g.Vms[0]).Append(null).ToList();
            foreach (var s in ends)
            {
                foreach (var d0 in ends)
                {
                    var d = s is not null && ReferenceEquals(s, d0) ? s.Group.Vms[1] : d0;
                    if (s is null && d is null)
                    {
                        continue;
                    }

                    foreach (var (t, port) in Probes)
                    {
                        foreach (var p in SegmentationAudit.PairPackets(ev, s, d, f, outside, t, port))
                        {
                            string label = $"{s?.Name ?? outside.ToString()} -> {d?.Name ?? outside.ToString()} {t.ToString().ToLowerInvariant()} {port} {Tokens.Of(f)}";
                            var fwd = ev.Evaluate(p);
                            if (fwd.Outcome == AclOutcome.NoPath)
                            {
                                continue;
                            }

                            flows.Add(new Flow(label, p, fwd, false));

                            // Replies of SNATed connections need the router's conntrack to un-NAT; ovn-trace cannot replay that.
                            if (fwd.Delivered && !fwd.SourceNatted && t is TransportClass.Tcp or TransportClass.Udp)
                            {
                                var reply = ev.EvaluateReply(p, out _);
                                flows.Add(new Flow("reply of " + label, p.Reversed(), reply, true));
                            }
                        }
                    }
                }
            }
        }

        return flows;
    }

    /// <summary>Null when ovn-trace's run agrees with dcnet's stages and verdict, else what differs.</summary>
    private static string? Compare(LogicalNetwork model, Flow f, OvnTraceRun run, string text)
    {
        var parsed = OvnTraceOutput.Parse(text);
        if (parsed.CtBudgetExhausted)
        {
            return "the ovn-trace daemon ran out of --ct values (restart it with a larger budget)";
        }

        var expected = new List<string>();
        bool passes = true;
        for (int i = run.FirstStage; i < run.FirstStage + run.StageCount; i++)
        {
            var st = f.Evaluation.Stage(i);
            string dp = model.Switches[st.Switch].Name;
            string stage = StageText.Stage(st.Direction);
            switch (st.Decision)
            {
                case StageDecision.Acl:
                    var a = model.Acls[st.Acl];
                    string verdict = a.Allows ? "pass" : a.Action == AclAction.Reject ? "reject" : "drop";
                    expected.Add($"{dp} {stage} priority {a.Priority + 1000} {verdict}: {a.MatchText}");
                    break;
                case StageDecision.ConntrackReply:
                    expected.Add($"{dp} {stage} priority 65532 pass");
                    break;
            }

            passes &= st.Passed;
        }

        bool lastRun = run.FirstStage + run.StageCount == f.Evaluation.StageCount;
        bool delivered = passes && (!lastRun || f.Evaluation.Delivered);
        var actual = parsed.Hits.Select(h => h.Priority == 65532 ? $"{h.Datapath} {h.Stage} priority 65532 {h.Verdict}" : $"{h.Datapath} {h.Stage} priority {h.Priority} {h.Verdict}: {h.Match}").ToList();
        bool ovnDelivered = parsed.Outputs.Contains(run.ExitPort);
        if (!expected.SequenceEqual(actual) || delivered != ovnDelivered)
        {
            return $"dcnet: {(delivered ? "delivered to " + run.ExitPort : "not delivered")}, ACL flows [{string.Join("; ", expected)}]; ovn-trace: {(ovnDelivered ? "delivered to " + run.ExitPort : "not delivered (outputs: " + string.Join(", ", parsed.Outputs) + ")")}, ACL flows [{string.Join("; ", actual)}]";
        }

        return null;
    }

    private static string DcnetTrace(LogicalNetwork model, AclEvaluation e)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < e.StageCount; i++)
        {
            var st = e.Stage(i);
            sb.Append("    ").Append(model.Switches[st.Switch].Name).Append(' ').Append(StageText.Stage(st.Direction)).Append(' ').Append(model.Ports[st.Port].Name)
                .Append(": ").Append(StageText.Decision(model, st)).Append('\n');
        }

        sb.Append("    outcome ").Append(e.Outcome).Append('\n');
        return sb.ToString();
    }

    private static string Indent(string text) => string.Join("\n", text.Split('\n').Select(l => "    " + l));
}
