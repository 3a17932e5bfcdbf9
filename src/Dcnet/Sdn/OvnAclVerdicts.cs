using Dcnet.Design;
using Dcnet.Topology;
using Dcnet.Trace;
using Dcnet.Wire;

namespace Dcnet.Sdn;

/// <summary>
/// The trace's segmentation verdicts: OVN's ACL evaluation (<see cref="AclEvaluator"/>) on the logical network the
/// design implies. The ingress stage (from-lport ACLs) runs on the source chassis, the egress stage (to-lport) on the
/// destination chassis, so a to-lport drop happens after the packet crossed the fabric, as in OVN.
/// </summary>
public sealed class OvnAclVerdicts : IAclEvaluator
{
    private readonly Lazy<AclEvaluator> evaluator;

    public OvnAclVerdicts(Network network) => evaluator = new(() => new AclEvaluator(LogicalNetworkBuilder.Of(network)));

    public AclVerdict? Evaluate(Trace.Endpoint source, Trace.Endpoint destination, Frame frame, IpFamily family)
    {
        if (source.Vnic is null && destination.Vnic is null)
        {
            return null; // host and outside traffic does not cross an OVN logical port
        }

        var ev = evaluator.Value;
        var model = ev.Model;
        var (transport, sport, dport) = frame.Layers.Reverse().Select(l => l switch
        {
            TcpLayer t => ((TransportClass?)TransportClass.Tcp, (int)t.SourcePort, (int)t.DestinationPort),
            UdpLayer u => (TransportClass.Udp, u.SourcePort, u.DestinationPort),
            Icmpv4Layer or Icmpv6Layer => (TransportClass.Icmp, 0, 0),
            _ => (null, 0, 0),
        }).FirstOrDefault(x => x.Item1 is not null);
        var packet = ev.Packet(
            source.Vnic is { } sv ? ev.PortOf(sv).Index : -1, Topology.IpMath.ToUInt128(source.Address),
            destination.Vnic is { } dv ? ev.PortOf(dv).Index : -1, Topology.IpMath.ToUInt128(destination.Address),
            family, transport ?? TransportClass.Other, sport, dport);
        var e = ev.Evaluate(packet);
        if (e.Outcome == AclOutcome.NoPath || e.StageCount == 0)
        {
            return null;
        }

        AclHop? ingress = null, egress = null;
        for (int i = 0; i < e.StageCount; i++)
        {
            var st = e.Stage(i);
            if (st.Decision == StageDecision.NotReached)
            {
                continue;
            }

            var d = Decision(model, st);
            if (st.Direction == AclDirection.FromLport)
            {
                // The deciding ACL of the path wins the hop; otherwise the last stage that ran.
                if (ingress is null || i == e.DecidingStage)
                {
                    ingress = d;
                }
            }
            else if (egress is null || i == e.DecidingStage)
            {
                egress = d;
            }
        }

        bool allowed = e.Outcome == AclOutcome.Delivered;
        bool atIngress = !allowed && e.DecidingStage >= 0 && e.DecidingStage < e.StageCount && e.Stage(e.DecidingStage).Direction == AclDirection.FromLport
            || e.Outcome == AclOutcome.PortSecurityIngress;
        string why = allowed ? "allowed" : WhyDropped(model, e);
        return new AclVerdict(allowed, ingress, egress, atIngress, why);
    }

    private static AclHop Decision(LogicalNetwork model, in StageResult st)
    {
        string stage = st.Direction == AclDirection.FromLport ? "ls_in_acl" : "ls_out_acl";
        string direction = st.Direction == AclDirection.FromLport ? "from-lport" : "to-lport";
        if (st.Decision == StageDecision.Acl)
        {
            var a = model.Acls[st.Acl];
            bool isDefault = a.Origin.Purpose == AclPurpose.DefaultDeny;
            return new AclHop(stage, a.Priority, direction, a.MatchText, Tokens.Of(a.Action) + " (" + a.Name + ")", isDefault);
        }

        return new AclHop(stage, st.FlowPriority(model), direction, "-", StageText.Decision(model, st), true);
    }

    private static string WhyDropped(LogicalNetwork model, in AclEvaluation e)
    {
        if (e.Outcome is AclOutcome.PortSecurityIngress or AclOutcome.PortSecurityEgress)
        {
            return "dropped by port security (" + (e.Outcome == AclOutcome.PortSecurityIngress ? "ingress" : "egress") + ")";
        }

        if (e.DecidingStage < 0 || e.DecidingStage >= e.StageCount)
        {
            return "dropped";
        }

        var st = e.Stage(e.DecidingStage);
        if (st.Decision == StageDecision.Acl)
        {
            var a = model.Acls[st.Acl];
            string verb = e.Outcome == AclOutcome.Rejected ? "rejected" : "dropped";
            return a.Origin.Purpose == AclPurpose.DefaultDeny
                ? $"{verb} by the default rule: {a.Origin.Description} (ACL {a.Name}, {(a.Direction == AclDirection.FromLport ? "from-lport" : "to-lport")} priority {a.Priority} '{a.MatchText}')"
                : $"{verb} by ACL {a.Name}: {(a.Direction == AclDirection.FromLport ? "from-lport" : "to-lport")} priority {a.Priority} '{a.MatchText}' {Tokens.Of(a.Action)} ({a.Origin.Description})";
        }

        return "dropped: " + StageText.Decision(model, st);
    }
}
