using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Sdn;

/// <summary>One cell of the reachability matrix: new connections from one endpoint to another in one family.</summary>
/// <param name="Applicable">Both ends have an address in the family (a group needs two addressed VMs for traffic within it).</param>
/// <param name="Reachable">A path exists through the logical network (and the fabric, where needed).</param>
/// <param name="Allowed">What the OVN ACLs admit, with OVN's semantics.</param>
/// <param name="Intended">What the design's policy says should pass.</param>
public readonly record struct MatrixCell(bool Applicable, bool Reachable, TrafficSpace Allowed, TrafficSpace Intended);

/// <summary>
/// The segmentation audit: the endpoint × endpoint reachability matrix (every app group plus 'external') per family,
/// transport class and destination port, computed from the ACLs by first-match analysis over header-space regions (not
/// by tracing VM pairs), compared with the design's intent. <see cref="ByPairs"/> is the slow twin that evaluates real
/// VM pairs with <see cref="AclEvaluator"/>; property tests keep the two in agreement.
/// </summary>
public sealed class SegmentationAudit
{
    private static readonly ConditionalWeakTable<Network, SegmentationAudit> Cache = [];

    // Cells are stored per destination: each source the destination's ACLs or the rules name ("special") has its own
    // row, every other source shares the row of its class (same networks, same source-side ACLs): sources in a class
    // are indistinguishable to every ACL and rule, so the matrix needs one evaluation per class, not per group.
    private readonly List<(MatrixCell V4, MatrixCell V6)> rows = [];
    private readonly Dictionary<int, int>[] specialRows;
    private readonly int[][] classRows;
    private readonly int[] sourceClass;
    private readonly List<int>[] classMembers;

    private SegmentationAudit(LogicalNetwork model, int[] sourceClass, List<int>[] classMembers)
    {
        Model = model;
        GroupCount = model.Network.Groups.Count;
        this.sourceClass = sourceClass;
        this.classMembers = classMembers;
        specialRows = Enumerable.Range(0, GroupCount + 1).Select(_ => new Dictionary<int, int>()).ToArray();
        classRows = Enumerable.Range(0, GroupCount + 1).Select(_ => Enumerable.Repeat(-1, classMembers.Length).ToArray()).ToArray();
    }

    public LogicalNetwork Model { get; }

    /// <summary>App groups; endpoint <see cref="GroupCount"/> is 'external'.</summary>
    public int GroupCount { get; }

    public int EndpointCount => GroupCount + 1;

    public int External => GroupCount;

    public string EndpointName(int endpoint) => endpoint == GroupCount ? "external" : Model.Network.Groups[endpoint].Name;

    /// <summary>The families policy.families enforces that have VM addresses (those with ACLs).</summary>
    public IReadOnlyList<IpFamily> EnforcedFamilies { get; private set; } = [];

    /// <summary>TCP destination-port classes: the intervals no ACL or rule boundary splits, in port order.</summary>
    public IReadOnlyList<PortRange> TcpPortClasses { get; private set; } = [];

    public IReadOnlyList<PortRange> UdpPortClasses { get; private set; } = [];

    public IReadOnlyList<Checks.Finding> Findings { get; private set; } = [];

    /// <summary>How many (source, destination) rows were evaluated: one per special source and per source class.</summary>
    public int EvaluatedRows => rows.Count;

    /// <summary>How long the matrix and findings took.</summary>
    public TimeSpan Elapsed { get; private set; }

    public MatrixCell Cell(int source, int destination, IpFamily family)
    {
        int row = specialRows[destination].TryGetValue(source, out int r) ? r : source < GroupCount ? classRows[destination][sourceClass[source]] : -1;
        return row < 0 ? default : family == IpFamily.Ipv4 ? rows[row].V4 : rows[row].V6;
    }

    /// <summary>The rows toward one destination: sources with identical cells together, in source order.</summary>
    public IReadOnlyList<(IReadOnlyList<int> Sources, MatrixCell V4, MatrixCell V6)> Rows(int destination)
    {
        var special = specialRows[destination];
        var merged = new Dictionary<int, List<int>>();
        var order = new List<int>();
        void Add(int row, IEnumerable<int> sources)
        {
            // Rows with equal cells share one entry (the row computed first stands for them).
            int key = order.FirstOrDefault(r => rows[r] == rows[row], -1);
            if (key < 0)
            {
                key = row;
                order.Add(row);
                merged[row] = [];
            }

            merged[key].AddRange(sources);
        }

        foreach (var (s, r) in special)
        {
            Add(r, [s]);
        }

        for (int c = 0; c < classMembers.Length; c++)
        {
            int r = classRows[destination][c];
            if (r >= 0)
            {
                Add(r, classMembers[c].Where(s => !special.ContainsKey(s)));
            }
        }

        return order.Select(r => ((IReadOnlyList<int>)merged[r].Order().ToList(), rows[r].V4, rows[r].V6)).OrderBy(x => x.Item1[0]).ToList();
    }

    /// <summary>The rows toward one destination with how many sources share each, without listing them.</summary>
    public IEnumerable<(int Count, MatrixCell V4, MatrixCell V6)> RowCounts(int destination)
    {
        var special = specialRows[destination];
        var inClass = new int[classMembers.Length];
        foreach (var (s, r) in special)
        {
            if (s < GroupCount)
            {
                inClass[sourceClass[s]]++;
            }

            yield return (1, rows[r].V4, rows[r].V6);
        }

        for (int c = 0; c < classMembers.Length; c++)
        {
            int r = classRows[destination][c];
            if (r >= 0)
            {
                yield return (classMembers[c].Count - inClass[c], rows[r].V4, rows[r].V6);
            }
        }
    }

    internal void SetSpecial(int source, int destination, in MatrixCell v4, in MatrixCell v6)
    {
        specialRows[destination][source] = rows.Count;
        rows.Add((v4, v6));
    }

    internal void SetClass(int sourceClassIndex, int destination, in MatrixCell v4, in MatrixCell v6)
    {
        classRows[destination][sourceClassIndex] = rows.Count;
        rows.Add((v4, v6));
    }

    /// <summary>The audit of a resolved network, computed once and shared by checks and commands.</summary>
    public static SegmentationAudit Of(Network network) => Cache.GetValue(network, n => Run(LogicalNetworkBuilder.Of(n)));

    /// <summary>Computes the matrix and the findings.</summary>
    public static SegmentationAudit Run(LogicalNetwork model)
    {
        var clock = Stopwatch.StartNew();
        var engine = new SegmentationEngine(model);
        var audit = new SegmentationAudit(model, engine.SourceClass, engine.ClassMembers);
        engine.Compute(audit);
        audit.EnforcedFamilies = engine.Enforced;
        (audit.TcpPortClasses, audit.UdpPortClasses) = PortClasses(model);
        audit.Findings = engine.Findings();
        audit.Elapsed = clock.Elapsed;
        return audit;
    }

    /// <summary>The elementary port intervals of every ACL and rule port set, per protocol.</summary>
    internal static (IReadOnlyList<PortRange> Tcp, IReadOnlyList<PortRange> Udp) PortClasses(LogicalNetwork model)
    {
        var tcp = new SortedSet<int> { 0, 65536 };
        var udp = new SortedSet<int> { 0, 65536 };
        void Cut(SortedSet<int> cuts, PortSet ports)
        {
            foreach (var r in ports.Ranges)
            {
                cuts.Add(r.First);
                cuts.Add(r.Last + 1);
            }
        }

        foreach (var a in model.Acls)
        {
            if (a.Match.Protocol == L4Match.Tcp)
            {
                Cut(tcp, a.Match.DestinationPorts);
            }
            else if (a.Match.Protocol == L4Match.Udp)
            {
                Cut(udp, a.Match.DestinationPorts);
            }
        }

        foreach (var r in model.Network.Design.Policy.Rules)
        {
            var ports = r.Ports.Select(p => PortRange.TryParse(p, out var x) ? x : PortRange.All).ToList();
            if (ports.Count > 0)
            {
                Cut(r.Protocol == PolicyProtocol.Udp ? udp : tcp, PortSet.Of(ports));
            }
        }

        static List<PortRange> Ranges(SortedSet<int> cuts)
        {
            var list = cuts.ToList();
            return Enumerable.Range(0, list.Count - 1).Select(i => new PortRange((ushort)list[i], (ushort)(list[i + 1] - 1))).ToList();
        }

        return (Ranges(tcp), Ranges(udp));
    }

    /// <summary>
    /// The slow twin: the implemented matrix from real VM pairs, each probe packet (one per transport and port class
    /// end) evaluated by <see cref="AclEvaluator"/>. A cell admits a probe when some VM pair delivers it. Only the
    /// <see cref="MatrixCell.Allowed"/> part is filled.
    /// </summary>
    public static IReadOnlyDictionary<(int Source, int Destination, IpFamily Family), TrafficSpace> ByPairs(LogicalNetwork model)
    {
        var ev = new AclEvaluator(model);
        var net = model.Network;
        var (tcpClasses, udpClasses) = PortClasses(model);
        var probes = new List<(TransportClass T, int Port)>();
        foreach (var r in tcpClasses)
        {
            probes.Add((TransportClass.Tcp, r.First));
            probes.Add((TransportClass.Tcp, r.Last));
        }

        foreach (var r in udpClasses)
        {
            probes.Add((TransportClass.Udp, r.First));
            probes.Add((TransportClass.Udp, r.Last));
        }

        probes.Add((TransportClass.Icmp, 0));
        probes.Add((TransportClass.Other, 0));
        int ext = net.Groups.Count;
        var result = new Dictionary<(int, int, IpFamily), TrafficSpace>();
        foreach (var f in new[] { IpFamily.Ipv4, IpFamily.Ipv6 })
        {
            var outside = ExternalAddress(ev, f);
            foreach (var s in net.Vms.Select(v => (Vm?)v).Append(null))
            {
                foreach (var d in net.Vms.Select(v => (Vm?)v).Append(null))
                {
                    if ((s is null && d is null) || ReferenceEquals(s, d))
                    {
                        continue;
                    }

                    var key = (s?.Group.Index ?? ext, d?.Group.Index ?? ext, f);
                    var space = result.GetValueOrDefault(key);
                    foreach (var (t, port) in probes)
                    {
                        if (space.Contains(t, port))
                        {
                            continue;
                        }

                        foreach (var pkt in PairPackets(ev, s, d, f, outside, t, port))
                        {
                            if (ev.Evaluate(pkt).Delivered)
                            {
                                space = space.Union(Point(t, port));
                                break;
                            }
                        }
                    }

                    result[key] = space;
                }
            }
        }

        return result;
    }

    /// <summary>The packets a VM pair sends for one probe: one per destination address, from the vNIC the source would
    /// use (the one on the destination's network, else its first addressed vNIC, the default route).</summary>
    internal static IEnumerable<AclPacket> PairPackets(AclEvaluator ev, Vm? s, Vm? d, IpFamily f, System.Net.IPAddress outside, TransportClass t, int port)
    {
        if (d is null)
        {
            var src = s!.Vnics.FirstOrDefault(v => Addr(v, f) is not null);
            if (src is not null && ev.ToOutside(ev.PortOf(src), outside, t, port, out var p))
            {
                yield return p;
            }

            yield break;
        }

        foreach (var dv in d.Vnics.Where(v => Addr(v, f) is not null))
        {
            if (s is null)
            {
                if (ev.FromOutside(outside, ev.PortOf(dv), t, port, out var p))
                {
                    yield return p;
                }

                continue;
            }

            var sv = s.Vnics.FirstOrDefault(v => v.Segment == dv.Segment && Addr(v, f) is not null) ?? s.Vnics.FirstOrDefault(v => Addr(v, f) is not null);
            if (sv is not null && ev.Between(ev.PortOf(sv), ev.PortOf(dv), f, t, port, out var q))
            {
                yield return q;
            }
        }
    }

    internal static System.Net.IPAddress? Addr(Vnic v, IpFamily f) => f == IpFamily.Ipv4 ? v.V4 : v.V6;

    /// <summary>A documentation address outside every VM network, standing for 'external'.</summary>
    public static System.Net.IPAddress ExternalAddress(AclEvaluator ev, IpFamily f)
    {
        string[] candidates = f == IpFamily.Ipv4
            ? ["203.0.113.10", "198.51.100.10", "192.0.2.10", "192.88.99.10"]
            : ["2001:db8:ffff::10", "2001:db8:fffe::10", "3fff::10"];
        foreach (string c in candidates)
        {
            var a = System.Net.IPAddress.Parse(c);
            if (!ev.InVmNetworks(IpMath.ToUInt128(a), f))
            {
                return a;
            }
        }

        return System.Net.IPAddress.Parse(candidates[0]);
    }

    private static TrafficSpace Point(TransportClass t, int port) => t switch
    {
        TransportClass.Tcp => new TrafficSpace(PortSet.Single((ushort)port), PortSet.Empty, false, false),
        TransportClass.Udp => new TrafficSpace(PortSet.Empty, PortSet.Single((ushort)port), false, false),
        TransportClass.Icmp => new TrafficSpace(PortSet.Empty, PortSet.Empty, true, false),
        _ => new TrafficSpace(PortSet.Empty, PortSet.Empty, false, true),
    };
}
