using System.Globalization;
using System.Text;
using System.Text.Json;
using Dcnet.Design;
using Dcnet.Reporting;
using Dcnet.Wire;

namespace Dcnet.Trace;

/// <summary>Text, JSON and pcap views of a trace.</summary>
public static class TraceFormatter
{
    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Us(double ns) => (ns / 1000).ToString("0.000", CultureInfo.InvariantCulture) + " us";

    public static string Text(TraceResult r)
    {
        var sb = new StringBuilder();
        var q = r.Request;
        sb.Append("from ").Append(r.FromDescription).Append('\n');
        sb.Append("to   ").Append(r.ToDescription).Append('\n');
        sb.Append(Tokens.Of(q.Protocol)).Append(' ');
        if (q.Protocol != TraceProtocol.Icmp)
        {
            sb.Append(I(q.SourcePort)).Append(" -> ").Append(I(q.DestinationPort)).Append(", ");
        }

        var firstIp = r.Hops.Count > 0 ? r.Hops[0].Frame : null;
        int size = firstIp is null ? q.Size ?? 0 : firstIp.IpLength;
        sb.Append(I(size)).Append("-byte IP packet, ").Append(q.Family == IpFamily.Ipv6 ? "IPv6" : q.DontFragment ? "IPv4, DF set" : "IPv4, DF clear").Append("\n\n");
        byte[]? previous = null;
        foreach (var h in r.Hops)
        {
            sb.Append(I(h.Index).PadLeft(3)).Append("  ").Append(h.Device).Append(' ').Append(h.Interface)
              .Append("  [").Append(Tokens.Of(h.Action)).Append(']');
            if (h.Mtu is { } mtu)
            {
                sb.Append("  mtu ").Append(mtu.ToString());
            }

            sb.Append('\n');
            sb.Append("       ").Append(h.Note).Append('\n');
            if (h.Frame is { } f)
            {
                byte[] bytes = FrameCodec.Encode(f);
                if (previous is not null && bytes.AsSpan().SequenceEqual(previous))
                {
                    sb.Append("       wire: the same ").Append(I(bytes.Length)).Append(" bytes\n");
                }
                else
                {
                    sb.Append("       wire: ").Append(I(bytes.Length)).Append(" bytes = ").Append(Stack(f)).Append('\n');
                    foreach (var layer in Decoded(f))
                    {
                        sb.Append("         ").Append(LayerText.Describe(layer)).Append('\n');
                    }
                }

                previous = bytes;
            }

            if (h.Bond is { } b)
            {
                sb.Append("       bond: ").Append(b.Bond).Append(" -> ").Append(b.Member).Append(" (").Append(b.Why).Append(")\n");
            }

            if (h.Ecmp is { } e)
            {
                sb.Append("       ecmp: ").Append(e.Why).Append('\n');
            }

            if (h.Acl is { } a)
            {
                sb.Append("       acl: ").Append(a.IsDefault ? "default: " : "").Append(a.Stage).Append(" priority ").Append(I(a.Priority)).Append(' ').Append(a.Direction)
                  .Append(" '").Append(a.Match).Append("' ").Append(a.Action).Append('\n');
            }

            if (h.Action == HopAction.Drop)
            {
                continue;
            }

            var l = h.Latency;
            sb.Append("       latency: ").Append(Us(l.TotalNs)).Append(" = serialization ").Append(Us(l.SerializationNs))
              .Append(" + ").Append(l.DeviceKind).Append(' ').Append(Us(l.DeviceNs)).Append(" + propagation ").Append(Us(l.PropagationNs)).Append('\n');
        }

        sb.Append('\n').Append(Pmtu(r));
        double ser = r.Hops.Sum(h => h.Latency.SerializationNs), dev = r.Hops.Sum(h => h.Latency.DeviceNs), prop = r.Hops.Sum(h => h.Latency.PropagationNs);
        bool arrives = r.Verdict is TraceVerdict.Delivered or TraceVerdict.Fragmented;
        sb.Append(arrives ? "latency (one way): " : "latency (one way, up to where it stops): ").Append(Us(r.LatencyNs)).Append(" = serialization ").Append(Us(ser)).Append(" + devices ").Append(Us(dev)).Append(" + propagation ").Append(Us(prop)).Append('\n');
        sb.Append("verdict: ").Append(Tokens.Of(r.Verdict)).Append(" (").Append(r.VerdictDetail).Append(")\n");
        return sb.ToString();
    }

    /// <summary>The tracepath-style report: what PMTUD learns and what really gets through.</summary>
    public static string Pmtu(TraceResult r)
    {
        int echo = PathMtu.Overhead.EchoHeaders(r.Request.Family);
        string flag = r.Request.Family == IpFamily.Ipv6 ? "ping -6 -M do" : "ping -M do";
        var sb = new StringBuilder();
        sb.Append("path MTU ").Append(I(r.PathMtu)).Append(" (what PMTUD learns)\n");
        if (r.MaxDfPayload < 0)
        {
            sb.Append("largest DF payload delivered: none (unreachable)\n");
        }
        else
        {
            sb.Append("largest DF payload delivered: ").Append(I(r.MaxDfPayload)).Append(" (").Append(flag).Append(" -s ").Append(I(r.MaxDfPayload))
              .Append(", a ").Append(I(r.MaxDfPayload + echo)).Append("-byte packet)\n");
            if (r.MaxDfPayload + echo < r.PathMtu)
            {
                sb.Append("black hole: packets between ").Append(I(r.MaxDfPayload + echo + 1)).Append(" and ").Append(I(r.PathMtu))
                  .Append(" bytes are lost without any ICMP, so PMTUD cannot learn the real limit\n");
            }
        }

        return sb.ToString();
    }

    private static string Stack(Frame f) =>
        string.Join(" | ", f.Layers.Select(l => l.Name + " " + I(l.HeaderLength))) + (f.Payload.Length > 0 ? " | payload " + I(f.Payload.Length) : "");

    /// <summary>The frame as a decoder reads it back: computed lengths and checksums filled in.</summary>
    public static IReadOnlyList<Layer> Decoded(Frame f) => FrameCodec.Decode(FrameCodec.Encode(f)).Layers;

    public static string Json(TraceResult r) => JsonOutput.Write(w =>
    {
        var q = r.Request;
        w.WriteStartObject();
        w.WriteString("from", r.FromDescription);
        w.WriteString("to", r.ToDescription);
        w.WriteString("source", r.Source.ToString());
        w.WriteString("destination", r.Destination.ToString());
        w.WriteString("protocol", Tokens.Of(q.Protocol));
        w.WriteString("family", Tokens.Of(q.Family));
        w.WriteNumber("sourcePort", q.SourcePort);
        w.WriteNumber("destinationPort", q.DestinationPort);
        w.WriteNumber("size", r.Hops.Count > 0 && r.Hops[0].Frame is { } f0 ? f0.IpLength : q.Size ?? 0);
        w.WriteBoolean("df", q.Family == IpFamily.Ipv6 || q.DontFragment);
        w.WriteString("verdict", Tokens.Of(r.Verdict));
        w.WriteString("verdictDetail", r.VerdictDetail);
        w.WriteNumber("fragments", r.Fragments);
        w.WriteNumber("pathMtu", r.PathMtu);
        w.WriteNumber("maxDfPayload", r.MaxDfPayload);
        w.WriteStartObject("latencyNs");
        w.WriteNumber("total", Math.Round(r.LatencyNs, 1));
        w.WriteNumber("serialization", Math.Round(r.Hops.Sum(h => h.Latency.SerializationNs), 1));
        w.WriteNumber("devices", Math.Round(r.Hops.Sum(h => h.Latency.DeviceNs), 1));
        w.WriteNumber("propagation", Math.Round(r.Hops.Sum(h => h.Latency.PropagationNs), 1));
        w.WriteEndObject();
        w.WriteStartArray("hops");
        foreach (var h in r.Hops)
        {
            w.WriteStartObject();
            w.WriteNumber("index", h.Index);
            w.WriteString("device", h.Device);
            w.WriteString("kind", h.Kind);
            w.WriteString("interface", h.Interface);
            if (h.Mtu is { } mtu)
            {
                w.WriteNumber("mtu", mtu.Bytes);
            }
            else
            {
                w.WriteNull("mtu");
            }

            w.WriteString("action", Tokens.Of(h.Action));
            w.WriteString("note", h.Note);
            if (h.Frame is { } f)
            {
                w.WriteNumber("frameBytes", FrameCodec.Encode(f).Length);
                w.WriteStartArray("headers");
                foreach (var layer in Decoded(f))
                {
                    LayerText.WriteJson(w, layer);
                }

                w.WriteEndArray();
                w.WriteNumber("payloadBytes", f.Payload.Length);
            }

            if (h.Bond is { } b)
            {
                w.WriteStartObject("bond");
                w.WriteString("bond", b.Bond);
                w.WriteString("member", b.Member);
                w.WriteNumber("memberIndex", b.MemberIndex);
                w.WriteString("why", b.Why);
                w.WriteEndObject();
            }

            if (h.Ecmp is { } e)
            {
                w.WriteStartObject("ecmp");
                w.WriteStartArray("candidates");
                foreach (string c in e.Candidates)
                {
                    w.WriteStringValue(c);
                }

                w.WriteEndArray();
                w.WriteString("chosen", e.Candidates[e.Chosen]);
                w.WriteString("hash", "0x" + e.Hash.ToString("x8", CultureInfo.InvariantCulture));
                w.WriteString("why", e.Why);
                w.WriteEndObject();
            }

            if (h.Acl is { } a)
            {
                w.WriteStartObject("acl");
                w.WriteString("stage", a.Stage);
                w.WriteNumber("priority", a.Priority);
                w.WriteString("direction", a.Direction);
                w.WriteString("match", a.Match);
                w.WriteString("action", a.Action);
                w.WriteBoolean("default", a.IsDefault);
                w.WriteEndObject();
            }

            w.WriteStartObject("latencyNs");
            w.WriteNumber("serialization", Math.Round(h.Latency.SerializationNs, 1));
            w.WriteNumber("device", Math.Round(h.Latency.DeviceNs, 1));
            w.WriteString("deviceKind", h.Latency.DeviceKind);
            w.WriteNumber("propagation", Math.Round(h.Latency.PropagationNs, 1));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>Every hop's frame as it is on the wire, timestamped by the cumulative latency, for Wireshark.</summary>
    public static byte[] Pcap(TraceResult r)
    {
        double t = 0;
        var frames = new List<(byte[], long)>();
        foreach (var h in r.Hops)
        {
            t += h.Latency.TotalNs;
            if (h.Frame is { } f)
            {
                frames.Add((FrameCodec.Encode(f), (long)(t / 1000)));
            }
        }

        return PcapWriter.Write(frames);
    }
}

/// <summary>One-line and JSON descriptions of a decoded header.</summary>
public static class LayerText
{
    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Hex(ushort? v) => v is null ? "-" : "0x" + v.Value.ToString("x4", CultureInfo.InvariantCulture);

    public static string Describe(Layer l) => l switch
    {
        EthernetLayer e => $"Ethernet II 14 B  {e.Source} -> {e.Destination} type {Hex(e.EtherType)}",
        VlanLayer v => $"{v.Name} 4 B  TPID {Hex(v.Tpid)} PCP {I(v.Pcp)} DEI {(v.Dei ? 1 : 0)} VID {I(v.Vid)} type {Hex(v.EtherType)}",
        Ipv4Layer ip => $"IPv4 20 B  {ip.Source} -> {ip.Destination} ttl {I(ip.Ttl)} proto {I(ip.Protocol ?? 0)} len {I(ip.TotalLength ?? 0)} id {I(ip.Identification)}{(ip.DontFragment ? " DF" : "")}{(ip.MoreFragments ? " MF" : "")} off {I(ip.FragmentOffsetBytes)} csum {Hex(ip.HeaderChecksum)}",
        Ipv6Layer ip6 => $"IPv6 40 B  {ip6.Source} -> {ip6.Destination} hlim {I(ip6.HopLimit)} next {I(ip6.NextHeader ?? 0)} plen {I(ip6.PayloadLength ?? 0)} flow 0x{ip6.FlowLabel:x5}",
        Ipv6FragmentLayer f => $"IPv6 Fragment 8 B  id 0x{f.Identification:x8} off {I(f.FragmentOffsetBytes)}{(f.MoreFragments ? " M" : "")} next {I(f.NextHeader ?? 0)}",
        UdpLayer u => $"UDP 8 B  {I(u.SourcePort)} -> {I(u.DestinationPort)} len {I(u.Length ?? 0)} csum {Hex(u.Checksum)}",
        TcpLayer t => $"TCP {I(t.HeaderLength)} B  {I(t.SourcePort)} -> {I(t.DestinationPort)} seq {I(t.Sequence)} ack {I(t.Acknowledgment)} flags {t.Flags} win {I(t.Window)}{(t.Mss is { } mss ? " mss " + I(mss) : "")} csum {Hex(t.Checksum)}",
        Icmpv4Layer c => $"ICMP 8 B  type {I(c.Type)} code {I(c.Code)}{(c.Type == 3 && c.Code == 4 ? " next-hop MTU " + I(c.NextHopMtu) : "")} csum {Hex(c.Checksum)}",
        Icmpv6Layer c6 => $"ICMPv6 8 B  type {I(c6.Type)} code {I(c6.Code)}{(c6.Type == Icmpv6Layer.PacketTooBig ? " MTU " + I(c6.Rest) : "")} csum {Hex(c6.Checksum)}",
        VxlanLayer x => $"VXLAN 8 B  flags 0x{x.Flags:x2} VNI {I(x.Vni)}",
        GeneveLayer g => $"GENEVE {I(g.HeaderLength)} B  VNI {I(g.Vni)} proto {Hex(g.ProtocolType)} options {string.Join(", ", g.OptionList.Select(o => $"class 0x{o.Class:x4} type 0x{o.Type:x2} len {I(o.Data.Length)}"))}",
        _ => l.Name,
    };

    public static void WriteJson(Utf8JsonWriter w, Layer l)
    {
        w.WriteStartObject();
        w.WriteString("layer", l.Name);
        w.WriteNumber("bytes", l.HeaderLength);
        switch (l)
        {
            case EthernetLayer e:
                w.WriteString("src", e.Source.ToString());
                w.WriteString("dst", e.Destination.ToString());
                w.WriteString("etherType", Hex(e.EtherType));
                break;
            case VlanLayer v:
                w.WriteString("tpid", Hex(v.Tpid));
                w.WriteNumber("pcp", v.Pcp);
                w.WriteBoolean("dei", v.Dei);
                w.WriteNumber("vid", v.Vid);
                w.WriteString("etherType", Hex(v.EtherType));
                break;
            case Ipv4Layer ip:
                w.WriteString("src", ip.Source.ToString());
                w.WriteString("dst", ip.Destination.ToString());
                w.WriteNumber("ttl", ip.Ttl);
                w.WriteNumber("protocol", ip.Protocol ?? 0);
                w.WriteNumber("totalLength", ip.TotalLength ?? 0);
                w.WriteNumber("identification", ip.Identification);
                w.WriteBoolean("df", ip.DontFragment);
                w.WriteBoolean("mf", ip.MoreFragments);
                w.WriteNumber("fragmentOffset", ip.FragmentOffsetBytes);
                w.WriteString("checksum", Hex(ip.HeaderChecksum));
                break;
            case Ipv6Layer ip6:
                w.WriteString("src", ip6.Source.ToString());
                w.WriteString("dst", ip6.Destination.ToString());
                w.WriteNumber("hopLimit", ip6.HopLimit);
                w.WriteNumber("nextHeader", ip6.NextHeader ?? 0);
                w.WriteNumber("payloadLength", ip6.PayloadLength ?? 0);
                w.WriteNumber("flowLabel", ip6.FlowLabel);
                break;
            case Ipv6FragmentLayer f:
                w.WriteNumber("identification", f.Identification);
                w.WriteNumber("fragmentOffset", f.FragmentOffsetBytes);
                w.WriteBoolean("more", f.MoreFragments);
                break;
            case UdpLayer u:
                w.WriteNumber("srcPort", u.SourcePort);
                w.WriteNumber("dstPort", u.DestinationPort);
                w.WriteNumber("length", u.Length ?? 0);
                w.WriteString("checksum", Hex(u.Checksum));
                break;
            case TcpLayer t:
                w.WriteNumber("srcPort", t.SourcePort);
                w.WriteNumber("dstPort", t.DestinationPort);
                w.WriteNumber("seq", t.Sequence);
                w.WriteNumber("ack", t.Acknowledgment);
                w.WriteString("flags", t.Flags.ToString());
                w.WriteNumber("window", t.Window);
                if (t.Mss is { } mss)
                {
                    w.WriteNumber("mss", mss);
                }

                w.WriteString("checksum", Hex(t.Checksum));
                break;
            case Icmpv4Layer c:
                w.WriteNumber("type", c.Type);
                w.WriteNumber("code", c.Code);
                w.WriteNumber("rest", c.Rest);
                w.WriteString("checksum", Hex(c.Checksum));
                break;
            case Icmpv6Layer c6:
                w.WriteNumber("type", c6.Type);
                w.WriteNumber("code", c6.Code);
                w.WriteNumber("rest", c6.Rest);
                w.WriteString("checksum", Hex(c6.Checksum));
                break;
            case VxlanLayer x:
                w.WriteNumber("flags", x.Flags);
                w.WriteNumber("vni", x.Vni);
                break;
            case GeneveLayer g:
                w.WriteNumber("vni", g.Vni);
                w.WriteString("protocolType", Hex(g.ProtocolType));
                w.WriteStartArray("options");
                foreach (var o in g.OptionList)
                {
                    w.WriteStartObject();
                    w.WriteString("class", Hex(o.Class));
                    w.WriteNumber("type", o.Type);
                    w.WriteNumber("length", o.Data.Length);
                    w.WriteString("data", Convert.ToHexStringLower(o.Data));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                break;
        }

        w.WriteEndObject();
    }
}
