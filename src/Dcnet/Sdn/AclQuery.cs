using System.Net;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Sdn;

/// <summary>
/// One question for the ACL evaluator in the words of a user: from a VM, a vNIC, an address or 'external', to another,
/// with a protocol, ports and a family; optionally the reply of that connection.
/// </summary>
/// <param name="From">A VM name (vm-web-0001), a vNIC (vm-web-0001/eth1), an IP address or 'external'.</param>
/// <param name="To">The same kinds as <paramref name="From"/>.</param>
/// <param name="Family">The address family.</param>
/// <param name="Transport">tcp, udp, icmp or other.</param>
/// <param name="DestinationPort">TCP/UDP destination port of the forward packet.</param>
/// <param name="SourcePort">TCP/UDP source port of the forward packet.</param>
/// <param name="Reply">Evaluate the reply of the connection (after its forward packet) instead of the forward packet.</param>
public sealed record AclQuery(string From, string To, IpFamily Family, TransportClass Transport, int DestinationPort, int SourcePort = 33333, bool Reply = false)
{
    /// <summary>Resolves the endpoints and evaluates. Throws <see cref="ArgumentException"/> for an endpoint that does not exist.</summary>
    public AclDecision Run(AclEvaluator evaluator)
    {
        var model = evaluator.Model;
        var (srcPort, srcAddr) = Endpoint(evaluator, From, To, source: true);
        var (dstPort, dstAddr) = Endpoint(evaluator, To, From, source: false);
        if (srcAddr is null || dstAddr is null)
        {
            string who = srcAddr is null ? From : To;
            return new AclDecision(this, model, default, default, null, $"'{who}' has no {(Family == IpFamily.Ipv4 ? "IPv4" : "IPv6")} address");
        }

        var packet = evaluator.Packet(srcPort?.Index ?? -1, IpMath.ToUInt128(srcAddr), dstPort?.Index ?? -1, IpMath.ToUInt128(dstAddr), Family, Transport, SourcePort, DestinationPort);
        if (!Reply)
        {
            return new AclDecision(this, model, packet, evaluator.Evaluate(packet), null, null);
        }

        var reply = evaluator.EvaluateReply(packet, out var forward);
        return new AclDecision(this, model, packet.Reversed(), reply, new AclDecision(this with { Reply = false }, model, packet, forward, null, null), null);
    }

    private (LogicalSwitchPort? Port, IPAddress? Address) Endpoint(AclEvaluator ev, string text, string other, bool source)
    {
        var model = ev.Model;
        if (text == "external")
        {
            return (null, SegmentationAudit.ExternalAddress(ev, Family));
        }

        if (IPAddress.TryParse(text, out var ip))
        {
            if ((ip.IsV4() ? IpFamily.Ipv4 : IpFamily.Ipv6) != Family)
            {
                throw new ArgumentException($"'{text}' is not an {(Family == IpFamily.Ipv4 ? "IPv4" : "IPv6")} address (--family {(Family == IpFamily.Ipv4 ? "4" : "6")})");
            }

            var owner = model.Ports.FirstOrDefault(p => p.Type == LogicalPortType.Vif && Equals(p.Address(Family), ip));
            return (owner, ip);
        }

        if (model.FindPort(text) is { Type: LogicalPortType.Vif } port)
        {
            return (port, port.Address(Family));
        }

        var vm = model.Network.FindVm(text)
            ?? throw new ArgumentException($"unknown endpoint '{text}' (expected a VM such as {model.Network.Vms.FirstOrDefault()?.Name ?? "vm-web-0001"}, a vNIC such as {model.Network.Vnics.FirstOrDefault()?.Name ?? "vm-web-0001/eth0"}, an IP address, or 'external')");

        // The vNIC the VM would use: the one on a network the other end is on (a connected route), else its first
        // addressed vNIC (the default route).
        var otherSegments = model.Network.FindVm(other)?.Vnics.Select(v => v.Segment).ToHashSet()
            ?? (model.FindPort(other)?.Vnic is { } ov ? [ov.Segment] : []);
        var vnic = vm.Vnics.FirstOrDefault(v => otherSegments.Contains(v.Segment) && Address(v) is not null)
            ?? vm.Vnics.FirstOrDefault(v => Address(v) is not null);
        return vnic is null ? (ev.PortOf(vm.Vnics[0]), null) : (ev.PortOf(vnic), Address(vnic));
    }

    private IPAddress? Address(Vnic v) => Family == IpFamily.Ipv4 ? v.V4 : v.V6;
}

/// <summary>The answer to an <see cref="AclQuery"/>: the packet, its evaluation and, for a reply, the forward packet's.</summary>
public sealed record AclDecision(AclQuery Query, LogicalNetwork Model, AclPacket Packet, AclEvaluation Evaluation, AclDecision? Forward, string? Problem)
{
    /// <summary>"delivered", "dropped", "rejected", "port-security-ingress", "port-security-egress", "no-path" or "no-address".</summary>
    public string Verdict => Problem is not null ? "no-address" : Evaluation.Outcome switch
    {
        AclOutcome.Delivered => "delivered",
        AclOutcome.Dropped => "dropped",
        AclOutcome.Rejected => "rejected",
        AclOutcome.PortSecurityIngress => "port-security-ingress",
        AclOutcome.PortSecurityEgress => "port-security-egress",
        _ => "no-path",
    };

    /// <summary>Why, in one line: the deciding ACL and the design element it implements, or the default.</summary>
    public string Reason
    {
        get
        {
            if (Problem is not null)
            {
                return Problem;
            }

            var e = Evaluation;
            switch (e.Outcome)
            {
                case AclOutcome.PortSecurityIngress:
                    return "port security (ls_in_check_port_sec): the source address is not one of the port's";
                case AclOutcome.PortSecurityEgress:
                    return "port security (ls_out_check_port_sec): the destination address is not one of the port's";
                case AclOutcome.NoPath:
                    return "no path in this family";
            }

            if (e.Deciding is { } st)
            {
                return StageText.Decision(Model, st);
            }

            for (int i = 0; i < e.StageCount; i++)
            {
                if (e.Stage(i).Decision == StageDecision.ConntrackReply)
                {
                    return StageText.Decision(Model, e.Stage(i));
                }
            }

            return e.StageCount > 0 && Enumerable.Range(0, e.StageCount).All(i => e.Stage(i).Decision == StageDecision.NoAcls)
                ? "no ACL on the path: allowed"
                : "default (no ACL matched: allowed)";
        }
    }
}

/// <summary>Words for stage results, shared by the text and JSON reports.</summary>
public static class StageText
{
    public static string Stage(AclDirection d) => d == AclDirection.FromLport ? "ls_in_acl" : "ls_out_acl";

    public static string Decision(StageDecision d) => d switch
    {
        StageDecision.NoAcls => "no-acls",
        StageDecision.Acl => "acl",
        StageDecision.DefaultAllow => "default-allow",
        StageDecision.DefaultDrop => "default-drop",
        StageDecision.NotReached => "not-reached",
        _ => "conntrack-reply",
    };

    /// <summary>One line: what decided the stage and why.</summary>
    public static string Decision(LogicalNetwork model, in StageResult st) => st.Decision switch
    {
        StageDecision.Acl => $"ACL '{model.Acls[st.Acl].Name}' {Tokens.Of(model.Acls[st.Acl].Action)}: {model.Acls[st.Acl].Origin.Description}",
        StageDecision.DefaultAllow => "default (no ACL matched: allowed)",
        StageDecision.DefaultDrop => "default (no ACL matched: dropped by NB_Global default_acl_drop)",
        StageDecision.ConntrackReply => "conntrack: reply of an admitted connection (priority 65532)",
        StageDecision.NotReached => "not reached (dropped before)",
        _ => "no ACL on this switch",
    };

    public static string Entry(StageEntry e) => e switch
    {
        StageEntry.First => "first",
        StageEntry.Same => "same",
        StageEntry.Router => "router",
        _ => "fabric",
    };

    public static string Path(PathKind p) => p switch
    {
        PathKind.SameSwitch => "same-switch",
        PathKind.ViaRouter => "via-router",
        PathKind.ViaFabric => "via-fabric",
        PathKind.ToOrFromOutside => "outside",
        _ => "none",
    };
}
