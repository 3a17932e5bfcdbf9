using System.Globalization;
using System.Net;
using Dcnet.Design;
using Dcnet.PathMtu;
using Dcnet.Topology;
using Dcnet.Wire;

namespace Dcnet.Trace;

/// <summary>Picks the bond member a frame leaves by; the default is the Linux-exact transmit hash (<see cref="Bonding.LinuxBondMemberSelector"/>).</summary>
public interface IBondMemberSelector
{
    BondChoice Choose(Bond bond, Frame frame);
}

/// <summary>Decides segmentation at the vSwitch; the default for a design is OVN's ACL evaluation (<see cref="Sdn.OvnAclVerdicts"/>).</summary>
public interface IAclEvaluator
{
    /// <summary>
    /// The verdict of the policy for a new connection's first packet, or null when no policy applies to these endpoints.
    /// </summary>
    AclVerdict? Evaluate(Endpoint source, Endpoint destination, Frame frame, IpFamily family);
}

/// <summary>
/// What the segmentation policy decided: whether the packet passes, the ACL that decided in the ingress (from-lport,
/// source side) and egress (to-lport, destination side) stages, and which stage dropped it.
/// </summary>
public sealed record AclVerdict(bool Allowed, AclHop? Ingress, AclHop? Egress, bool DroppedAtIngress, string Why);

/// <summary>
/// The hop-by-hop packet walk through the resolved network: VM vNIC, host switch, tunnel endpoint or VLAN trunk, bond
/// and member, leaf, spine (with its ECMP choice), leaf, host, VM. Each hop carries the frame exactly as it is on the
/// wire after it, with every header and its size.
/// </summary>
/// <remarks>
/// Forwarding model (documented in docs/trace.md): overlay networks are OVN logical switches joined by a distributed
/// logical router on the source host, tunnelled between the hosts' tunnel endpoints; VLAN networks (localnet and host
/// VLANs) are stretched across leaves by EVPN-VXLAN with an anycast gateway on every leaf (symmetric IRB); traffic to
/// addresses outside the design leaves through the border leaves. Overlay VMs reach anything outside their overlay
/// through the OVN router with SNAT to the node address, as OVN-Kubernetes egress does; nothing outside reaches an
/// overlay VM except through a load balancer.
/// </remarks>
public sealed class Tracer
{
    /// <summary>The L2VNI of a VLAN on the fabric is this plus the VLAN id.</summary>
    public const uint EvpnL2VniBase = 100_000;

    /// <summary>The L3VNI of the fabric's one tenant VRF.</summary>
    public const uint EvpnL3Vni = 99_999;

    /// <summary>Bytes a Linux device accepts above its MTU on receive: VLAN_HLEN, from is_skb_forwardable().</summary>
    public const int LinuxReceiveSlack = 4;

    private readonly Network network;
    private readonly EndpointIndex endpoints;
    private readonly LatencyProfile latency;

    public Tracer(Network network, LatencyProfile? latency = null, IBondMemberSelector? bonds = null, IAclEvaluator? acls = null)
    {
        this.network = network;
        endpoints = new EndpointIndex(network);
        this.latency = latency ?? new LatencyProfile();
        Bonds = bonds ?? new Bonding.LinuxBondMemberSelector();
        Acls = acls ?? new Sdn.OvnAclVerdicts(network);
    }

    public IBondMemberSelector Bonds { get; }

    public IAclEvaluator? Acls { get; }

    public Network Network => network;

    /// <summary>Traces one packet. Throws <see cref="ArgumentException"/> when an endpoint does not exist.</summary>
    public TraceResult Trace(TraceRequest request) => TraceCore(request, alwaysProbe: false);

    private TraceResult TraceCore(TraceRequest request, bool alwaysProbe)
    {
        var sources = endpoints.Candidates(request.From, request.Family, out string? p1);
        if (sources.Count == 0)
        {
            throw new ArgumentException("--from: " + p1);
        }

        var destinations = endpoints.Candidates(request.To, request.Family, out string? p2);
        if (destinations.Count == 0)
        {
            throw new ArgumentException("--to: " + p2);
        }

        // Prefer a pair on one network: a VM with several vNICs sends on the one that shares the destination's network.
        var (src, dst) = sources.SelectMany(s => destinations.Select(d => (s, d)))
            .OrderBy(x => x.s.Segment is not null && ReferenceEquals(x.s.Segment, x.d.Segment) ? 0 : 1)
            .First();
        var walk = new Walk(this, request, src, dst);
        var result = walk.Run();
        return walk.SizeLimited || alwaysProbe ? WithProbe(result, request, src, dst) : result;
    }

    /// <summary>
    /// The path's limits from a walk no MTU stops: the smallest packet, DF set. An oversized packet stops at (or is
    /// fragmented by) the first limit it hits and never sees the ones after it, but PMTUD and the largest deliverable
    /// ping depend on all. A packet no MTU touched has seen them all already (<see cref="Walk.SizeLimited"/>).
    /// </summary>
    private TraceResult WithProbe(TraceResult result, TraceRequest request, Endpoint src, Endpoint dst)
    {
        var probe = new Walk(this, request with { Size = 0, DontFragment = true }, src, dst).Run();
        return result with { PathMtu = probe.PathMtu, MaxDfPayload = probe.MaxDfPayload };
    }

    /// <summary>Traces with the probe walk even when the packet was not size-limited: the slow twin tests compare against.</summary>
    internal TraceResult TraceAlwaysProbing(TraceRequest request) => TraceCore(request, alwaysProbe: true);

    internal LatencyProfile Latency => latency;

    /// <summary>
    /// Traces many packets, spread over the cores. Each result is the same as <see cref="Trace"/> gives for that
    /// request, in request order; a request whose endpoint does not exist gives an unreachable result instead of throwing.
    /// </summary>
    public IReadOnlyList<TraceResult> TraceBatch(IReadOnlyList<TraceRequest> requests)
    {
        var results = new TraceResult[requests.Count];
        Parallel.For(0, requests.Count, i =>
        {
            try
            {
                results[i] = Trace(requests[i]);
            }
            catch (ArgumentException e)
            {
                results[i] = new TraceResult
                {
                    Request = requests[i],
                    FromDescription = requests[i].From,
                    ToDescription = requests[i].To,
                    Source = System.Net.IPAddress.None,
                    Destination = System.Net.IPAddress.None,
                    Verdict = TraceVerdict.Unreachable,
                    VerdictDetail = e.Message,
                    PathMtu = 0,
                    MaxDfPayload = -1,
                    Hops = [],
                };
            }
        });
        return results;
    }

    /// <summary>The ECMP choice a switch makes over equal-cost next hops for a frame: FNV-1a over the 5-tuple of the outermost IP header.</summary>
    /// <remarks>Switch hash functions are vendor-specific; every next hop is equally likely, so dcnet uses one documented hash.</remarks>
    public static uint EcmpHash(Frame frame)
    {
        uint h = 2166136261;
        void Mix(ReadOnlySpan<byte> bytes)
        {
            foreach (byte b in bytes)
            {
                h = (h ^ b) * 16777619;
            }
        }

        Span<byte> buf = stackalloc byte[16];
        foreach (var layer in frame.Layers)
        {
            if (layer is Ipv4Layer v4)
            {
                v4.Source.TryWriteBytes(buf, out int n);
                Mix(buf[..n]);
                v4.Destination.TryWriteBytes(buf, out n);
                Mix(buf[..n]);
                Mix([v4.Protocol ?? 0]);
            }
            else if (layer is Ipv6Layer v6)
            {
                v6.Source.TryWriteBytes(buf, out int n);
                Mix(buf[..n]);
                v6.Destination.TryWriteBytes(buf, out n);
                Mix(buf[..n]);
                Mix([v6.NextHeader ?? 0]);
            }
            else if (layer is UdpLayer u)
            {
                Mix([(byte)(u.SourcePort >> 8), (byte)u.SourcePort, (byte)(u.DestinationPort >> 8), (byte)u.DestinationPort]);
                break;
            }
            else if (layer is TcpLayer t)
            {
                Mix([(byte)(t.SourcePort >> 8), (byte)t.SourcePort, (byte)(t.DestinationPort >> 8), (byte)t.DestinationPort]);
                break;
            }
            else if (layer is Ipv4Layer or Ipv6Layer)
            {
                break;
            }
        }

        return h;
    }

    /// <summary>
    /// The outer UDP source port a tunnel endpoint picks: a hash of the inner flow scaled into the device's port range
    /// the way the kernel's udp_flow_src_port() does (((u64)hash * (max - min)) >> 32) + min. VXLAN uses the local port
    /// range 32768-60999 (net.ipv4.ip_local_port_range); GENEVE, and OVS tunnels built on it, use 1-65535
    /// (geneve_xmit_skb). Either way the fabric's ECMP and the bond hash see the inner flow's entropy.
    /// </summary>
    public static ushort TunnelSourcePort(Frame inner, bool geneve = false)
    {
        uint min = geneve ? 1u : 32768u, max = geneve ? 65535u : 60999u;
        return (ushort)((((ulong)EcmpHash(inner) * (max - min)) >> 32) + min);
    }

    internal static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
}
