using Dcnet.Design;
using Dcnet.Sdn;

namespace Dcnet.Tests.Sdn;

/// <summary>OVN 23.03's ACL semantics, each on a design or model that sets up exactly that case (notes: ovn-acl.md).</summary>
public class AclEvaluatorTests
{
    private static AclEvaluation Eval(LogicalNetwork model, string from, string to, TransportClass t, int port, IpFamily f = IpFamily.Ipv4, ConnectionState ct = ConnectionState.New)
    {
        var ev = new AclEvaluator(model);
        Assert.True(ev.Between(SdnFixtures.Port(model, from), SdnFixtures.Port(model, to), f, t, port, out var p));
        return ev.Evaluate(p, ct);
    }

    private static LogicalNetwork Model(string policy) => LogicalNetworkBuilder.Build(SdnFixtures.WithPolicy(policy));

    private const string DenyBetween = """
          within-group: allow
          between-groups: deny
          rules:
            - { name: web-to-app, from: web, to: app, protocol: tcp, ports: ["8080"] }
            - { name: no-ssh, from: web, to: app, protocol: tcp, ports: ["22"], action: reject }
        """;

    [Fact]
    public void Without_any_acl_ovn_allows_everything()
    {
        var model = Model("  within-group: allow\n  between-groups: allow\n");
        Assert.Empty(model.Acls);
        var r = Eval(model, "vm-web-0001", "vm-db-0001", TransportClass.Tcp, 5432);
        Assert.True(r.Delivered);
        Assert.Equal(PathKind.ViaRouter, r.Path);
        Assert.Equal(4, r.StageCount);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(StageDecision.NoAcls, r.Stage(i).Decision));
        Assert.Equal(-1, r.DecidingStage);
    }

    [Fact]
    public void Between_groups_deny_is_an_explicit_default_deny_acl_at_priority_1000()
    {
        var model = Model(DenyBetween);
        var r = Eval(model, "vm-web-0001", "vm-db-0001", TransportClass.Tcp, 5432);
        Assert.Equal(AclOutcome.Dropped, r.Outcome);
        var st = r.Deciding!.Value;
        var acl = model.Acls[st.Acl];
        Assert.Equal(AclDirection.ToLport, st.Direction);
        Assert.Equal("ls_out_acl", acl.Stage);
        Assert.Equal(1000, acl.Priority);
        Assert.Equal(AclPurpose.DefaultDeny, acl.Origin.Purpose);
        Assert.Equal("default deny (policy between-groups: deny)", acl.Origin.Description);
        Assert.Equal("outport == @pg_db && ip4", acl.MatchText);
    }

    [Fact]
    public void The_highest_priority_match_decides_a_stage()
    {
        var model = Model(DenyBetween);
        var allowed = Eval(model, "vm-web-0001", "vm-app-0001", TransportClass.Tcp, 8080);
        Assert.True(allowed.Delivered);
        Assert.Equal("rule1:web-to-app/ipv4", model.Acls[allowed.Deciding!.Value.Acl].Name);
        var rejected = Eval(model, "vm-web-0001", "vm-app-0001", TransportClass.Tcp, 22);
        Assert.Equal(AclOutcome.Rejected, rejected.Outcome);
        Assert.True(model.Acls[rejected.Deciding!.Value.Acl].Priority > 1000);
        var other = Eval(model, "vm-web-0001", "vm-app-0001", TransportClass.Tcp, 8081);
        Assert.Equal(AclOutcome.Dropped, other.Outcome);
        Assert.Equal(1000, model.Acls[other.Deciding!.Value.Acl].Priority);
    }

    [Fact]
    public void Within_group_traffic_passes_the_within_group_acl()
    {
        var model = Model(DenyBetween);
        var r = Eval(model, "vm-web-0001", "vm-web-0002", TransportClass.Udp, 53, IpFamily.Ipv6);
        Assert.True(r.Delivered);
        Assert.Equal(PathKind.SameSwitch, r.Path);
        Assert.Equal(AclPurpose.WithinGroup, model.Acls[r.Deciding!.Value.Acl].Origin.Purpose);
    }

    [Fact]
    public void A_reply_of_an_admitted_connection_passes_stateful_switches_at_65532()
    {
        var model = Model(DenyBetween);
        var ev = new AclEvaluator(model);
        Assert.True(ev.Between(SdnFixtures.Port(model, "vm-web-0001"), SdnFixtures.Port(model, "vm-app-0001"), IpFamily.Ipv4, TransportClass.Tcp, 8080, out var fwd));
        var reply = ev.EvaluateReply(fwd, out var forward);
        Assert.True(forward.Delivered);
        Assert.True(reply.Delivered);
        Assert.Equal(StageDecision.ConntrackReply, reply.Stage(0).Decision);
        Assert.Equal(65532, reply.Stage(0).FlowPriority(model));

        // The same packet as a new connection (no committed forward) hits web's default deny.
        var asNew = ev.Evaluate(fwd.Reversed());
        Assert.Equal(AclOutcome.Dropped, asNew.Outcome);
    }

    [Fact]
    public void On_a_switch_without_allow_related_replies_are_judged_by_the_acls()
    {
        // 'allow' everywhere: no switch is stateful, so there is no conntrack and no 65532 reply flow.
        var model = SdnFixtures.WithActions(SdnFixtures.WithPolicy(DenyBetween), a => a.Action == AclAction.AllowRelated ? AclAction.Allow : a.Action);
        var ev = new AclEvaluator(model);
        Assert.All(model.Switches, s => Assert.False(ev.IsStateful(s.Index)));
        Assert.True(ev.Between(SdnFixtures.Port(model, "vm-web-0001"), SdnFixtures.Port(model, "vm-app-0001"), IpFamily.Ipv4, TransportClass.Tcp, 8080, out var fwd));
        var reply = ev.EvaluateReply(fwd, out var forward);
        Assert.True(forward.Delivered);
        Assert.Equal(AclOutcome.Dropped, reply.Outcome);
        Assert.Equal(AclPurpose.DefaultDeny, model.Acls[reply.Deciding!.Value.Acl].Origin.Purpose);
    }

    [Fact]
    public void Allow_stateless_does_not_beat_a_higher_priority_drop()
    {
        var model = SdnFixtures.WithActions(SdnFixtures.WithPolicy(DenyBetween), a => a.Allows ? AclAction.AllowStateless : a.Action);
        var r = Eval(model, "vm-web-0001", "vm-app-0001", TransportClass.Tcp, 22);
        Assert.Equal(AclOutcome.Rejected, r.Outcome);
        Assert.True(Eval(model, "vm-web-0001", "vm-app-0001", TransportClass.Tcp, 8080).Delivered);
    }

    [Fact]
    public void Default_acl_drop_drops_what_no_acl_matches_on_switches_with_acls()
    {
        var model = SdnFixtures.WithActions(SdnFixtures.WithPolicy(DenyBetween), a => a.Action, defaultAclDrop: true);
        var r = Eval(model, "vm-web-0001", "vm-app-0001", TransportClass.Tcp, 8080);

        // The source switch's ingress stage has ACLs (from the port groups on it) but none for from-lport: dropped there.
        Assert.Equal(AclOutcome.Dropped, r.Outcome);
        Assert.Equal(StageDecision.DefaultDrop, r.Deciding!.Value.Decision);
        Assert.Equal(AclDirection.FromLport, r.Deciding.Value.Direction);
    }

    [Fact]
    public void Port_security_drops_a_spoofed_source_before_any_acl()
    {
        var model = Model(DenyBetween);
        var ev = new AclEvaluator(model);
        var web = SdnFixtures.Port(model, "vm-web-0001");
        var app = SdnFixtures.Port(model, "vm-app-0001");
        var spoofed = ev.Packet(web.Index, Dcnet.Topology.IpMath.ToUInt128(System.Net.IPAddress.Parse("10.1.0.250")), app.Index, Dcnet.Topology.IpMath.ToUInt128(app.V4!), IpFamily.Ipv4, TransportClass.Tcp, 1, 8080);
        var r = ev.Evaluate(spoofed);
        Assert.Equal(AclOutcome.PortSecurityIngress, r.Outcome);
        Assert.Equal(0, r.StageCount);
    }

    [Fact]
    public void After_a_router_hop_the_ingress_stage_sees_the_router_port()
    {
        var model = Model(DenyBetween);
        var r = Eval(model, "vm-web-0001", "vm-db-0001", TransportClass.Tcp, 1);
        Assert.Equal(StageEntry.Router, r.Stage(2).Entry);
        Assert.Equal("rtr-back", model.Ports[r.Stage(2).Port].Name);
        Assert.Equal(AclDirection.FromLport, r.Stage(2).Direction);
        Assert.Equal("rtr-front", model.Ports[r.Stage(1).Port].Name);
    }

    [Fact]
    public void Traffic_from_an_unrouted_network_is_source_natted_and_looks_external()
    {
        var net = SdnFixtures.Interop();
        var model = LogicalNetworkBuilder.Build(net);
        var ev = new AclEvaluator(model);
        Assert.True(ev.Between(SdnFixtures.Port(model, "vm-batch-0001"), SdnFixtures.Port(model, "vm-legacy-0001"), IpFamily.Ipv4, TransportClass.Icmp, 0, out var ping));
        var r = ev.Evaluate(ping);
        Assert.True(r.Delivered);
        Assert.True(r.SourceNatted);
        Assert.Equal(PathKind.ViaFabric, r.Path);
        Assert.Equal("rule10:ping-legacy/ipv4", model.Acls[r.Deciding!.Value.Acl].Name);
        Assert.True(ev.Between(SdnFixtures.Port(model, "vm-batch-0001"), SdnFixtures.Port(model, "vm-legacy-0001"), IpFamily.Ipv6, TransportClass.Icmp, 0, out var v6));
        Assert.Equal(AclOutcome.NoPath, ev.Evaluate(v6).Outcome);
    }

    [Fact]
    public void Rules_toward_external_are_from_lport_acls_on_the_source()
    {
        var model = LogicalNetworkBuilder.Build(SdnFixtures.Interop());
        var q = new AclQuery("vm-web-0001", "external", IpFamily.Ipv4, TransportClass.Tcp, 25).Run(new AclEvaluator(model));
        Assert.Equal("dropped", q.Verdict);
        var acl = model.Acls[q.Evaluation.Deciding!.Value.Acl];
        Assert.Equal(AclDirection.FromLport, acl.Direction);
        Assert.Equal("ls_in_acl", acl.Stage);
        Assert.Equal("inport == @dcnet_vms && ip4 && ip4.dst != $dcnet_vm_networks_ip4 && tcp && tcp.dst == 25", acl.MatchText);
    }

    [Fact]
    public void Evaluating_a_packet_allocates_nothing()
    {
        var model = Model(DenyBetween);
        var ev = new AclEvaluator(model);
        Assert.True(ev.Between(SdnFixtures.Port(model, "vm-web-0001"), SdnFixtures.Port(model, "vm-db-0001"), IpFamily.Ipv4, TransportClass.Tcp, 1, out var p));
        _ = ev.Evaluate(p);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            _ = ev.Evaluate(p);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
