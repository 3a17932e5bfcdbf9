using System.Text;

namespace Dcnet.Sdn;

/// <summary>The transport classes the segmentation analysis tells apart.</summary>
public enum TransportClass
{
    /// <summary>TCP, by destination port.</summary>
    Tcp,

    /// <summary>UDP, by destination port.</summary>
    Udp,

    /// <summary>ICMPv4 for IPv4, ICMPv6 for IPv6 (OVN's <c>icmp4</c>/<c>icmp6</c>).</summary>
    Icmp,

    /// <summary>Every other IP protocol (SCTP, GRE, ESP, ...).</summary>
    Other,
}

/// <summary>
/// A region of the header space of one address family: TCP and UDP destination ports, ICMP, and other IP protocols.
/// Rules and ACL matches are regions; the first-match walk intersects and subtracts them. Immutable.
/// </summary>
public readonly record struct TrafficSpace(PortSet Tcp, PortSet Udp, bool Icmp, bool Other)
{
    public static TrafficSpace Empty => default;

    public static TrafficSpace All { get; } = new(PortSet.All, PortSet.All, true, true);

    public bool IsEmpty => Tcp.IsEmpty && Udp.IsEmpty && !Icmp && !Other;

    public bool IsAll => Tcp.IsAll && Udp.IsAll && Icmp && Other;

    /// <summary>The region a protocol with optional destination ports covers.</summary>
    public static TrafficSpace For(L4Match protocol, PortSet ports) => protocol switch
    {
        L4Match.Tcp => new(ports, PortSet.Empty, false, false),
        L4Match.Udp => new(PortSet.Empty, ports, false, false),
        L4Match.Icmp => new(PortSet.Empty, PortSet.Empty, true, false),
        _ => All,
    };

    public TrafficSpace Intersect(in TrafficSpace o) => new(Tcp.Intersect(o.Tcp), Udp.Intersect(o.Udp), Icmp && o.Icmp, Other && o.Other);

    public TrafficSpace Union(in TrafficSpace o) => new(Tcp.Union(o.Tcp), Udp.Union(o.Udp), Icmp || o.Icmp, Other || o.Other);

    public TrafficSpace Except(in TrafficSpace o) => new(Tcp.Except(o.Tcp), Udp.Except(o.Udp), Icmp && !o.Icmp, Other && !o.Other);

    /// <summary>True when a packet of <paramref name="transport"/> to <paramref name="port"/> lies in the region.</summary>
    public bool Contains(TransportClass transport, int port) => transport switch
    {
        TransportClass.Tcp => Tcp.Contains(port),
        TransportClass.Udp => Udp.Contains(port),
        TransportClass.Icmp => Icmp,
        _ => Other,
    };

    /// <summary>"all", "none", or e.g. "tcp 443,8443; udp 53; icmp".</summary>
    public override string ToString()
    {
        if (IsAll)
        {
            return "all";
        }

        if (IsEmpty)
        {
            return "none";
        }

        var sb = new StringBuilder();
        void Part(string text)
        {
            if (sb.Length > 0)
            {
                sb.Append("; ");
            }

            sb.Append(text);
        }

        if (!Tcp.IsEmpty)
        {
            Part("tcp " + Tcp);
        }

        if (!Udp.IsEmpty)
        {
            Part("udp " + Udp);
        }

        if (Icmp)
        {
            Part("icmp");
        }

        if (Other)
        {
            Part("other protocols");
        }

        return sb.ToString();
    }
}
