using System.Globalization;
using System.Text;
using Dcnet.Design;
using Dcnet.Sdn;
using Dcnet.Wire;

namespace Dcnet.Platforms.Ovn;

/// <summary>
/// One ovn-trace run: the datapath, the microflow and the stages of the dcnet evaluation it covers. A path that leaves
/// OVN through a localnet port and comes back through another (the physical fabric in between) is two runs.
/// </summary>
/// <param name="Datapath">The logical switch the trace starts on.</param>
/// <param name="Microflow">The ovn-trace microflow expression.</param>
/// <param name="ExitPort">The port the run delivers to when nothing drops it (a VM port or a localnet port).</param>
/// <param name="FirstStage">Index of its first stage in the evaluation.</param>
/// <param name="StageCount">How many evaluation stages it covers.</param>
public sealed record OvnTraceRun(string Datapath, string Microflow, string ExitPort, int FirstStage, int StageCount);

/// <summary>Builds ovn-trace microflows for packets dcnet evaluated, so the two can be compared run by run.</summary>
public static class OvnTraceFlow
{
    /// <summary>The MAC dcnet gives the fabric's gateway (the border leaves / VLAN gateways) in traces.</summary>
    public static readonly MacAddress FabricGatewayMac = MacAddress.Parse("02:dd:fe:00:00:01");

    /// <summary>The runs for <paramref name="packet"/> along the path of <paramref name="evaluation"/> (every planned stage, reached or not).</summary>
    public static IReadOnlyList<OvnTraceRun> Runs(LogicalNetwork model, in AclPacket packet, in AclEvaluation evaluation)
    {
        var runs = new List<OvnTraceRun>();
        int start = 0;
        bool natted = false;
        for (int i = 1; i <= evaluation.StageCount; i++)
        {
            if (i < evaluation.StageCount && evaluation.Stage(i).Entry != StageEntry.Fabric)
            {
                continue;
            }

            var first = evaluation.Stage(start);
            var last = evaluation.Stage(i - 1);
            var firstSwitch = model.Switches[first.Switch];
            var inport = model.Ports[first.Port];
            var egress = evaluation.Stage(start + 1);
            var next = model.Ports[egress.Port];
            MacAddress ethSrc = inport.Type == LogicalPortType.Vif ? inport.Mac!.Value : FabricGatewayMac;
            MacAddress ethDst = next.Type switch
            {
                LogicalPortType.Vif => next.Mac!.Value,
                LogicalPortType.Router => model.Router!.Ports.First(rp => rp.Switch == next.Switch).Mac,
                _ => FabricGatewayMac,
            };
            var src = natted ? model.Router!.GatewayPort!.Address(packet.Family)! : packet.SourceIp;
            runs.Add(new OvnTraceRun(firstSwitch.Name, Microflow(inport.Name, ethSrc, ethDst, src, packet), model.Ports[last.Port].Name, start, i - start));
            natted |= evaluation.SourceNatted;
            start = i;
        }

        return runs;
    }

    /// <summary>An ovn-trace microflow: <c>inport == "p" &amp;&amp; eth.src == ... &amp;&amp; ip4.src == ... &amp;&amp; tcp &amp;&amp; tcp.dst == 443</c>.</summary>
    public static string Microflow(string inport, MacAddress ethSrc, MacAddress ethDst, System.Net.IPAddress source, in AclPacket p)
    {
        var sb = new StringBuilder();
        string ip = p.Family == IpFamily.Ipv4 ? "ip4" : "ip6";
        sb.Append("inport == \"").Append(inport).Append("\" && eth.src == ").Append(ethSrc).Append(" && eth.dst == ").Append(ethDst)
            .Append(" && ").Append(ip).Append(".src == ").Append(source).Append(" && ").Append(ip).Append(".dst == ").Append(p.DestinationIp)
            .Append(" && ip.ttl == 64");
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        switch (p.Transport)
        {
            case TransportClass.Tcp:
                sb.Append(" && tcp && tcp.src == ").Append(I(p.L4Source)).Append(" && tcp.dst == ").Append(I(p.L4Destination));
                break;
            case TransportClass.Udp:
                sb.Append(" && udp && udp.src == ").Append(I(p.L4Source)).Append(" && udp.dst == ").Append(I(p.L4Destination));
                break;
            case TransportClass.Icmp:
                // Echo request: ND and router discovery (ICMPv6 133-137) bypass the ACL stages, so never use those.
                sb.Append(p.Family == IpFamily.Ipv4 ? " && icmp4 && icmp4.type == 8 && icmp4.code == 0" : " && icmp6 && icmp6.type == 128 && icmp6.code == 0");
                break;
            default:
                sb.Append(" && ip.proto == ").Append(I(p.IpProtocol));
                break;
        }

        return sb.ToString();
    }
}
