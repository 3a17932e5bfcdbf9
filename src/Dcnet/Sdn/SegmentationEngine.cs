using System.Globalization;
using System.Numerics;
using System.Text;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Sdn;

/// <summary>A set of endpoint classes (app groups 0..G-1, 'external' at G) as bits.</summary>
internal readonly struct ClassBits
{
    private readonly ulong[] words;

    public ClassBits(int count) => words = new ulong[(count + 63) / 64];

    public bool this[int i] => (words[i >> 6] & (1UL << (i & 63))) != 0;

    public void Set(int i) => words[i >> 6] |= 1UL << (i & 63);

    public void Or(ClassBits o)
    {
        for (int i = 0; i < words.Length; i++)
        {
            words[i] |= o.words[i];
        }
    }

    /// <summary>Set bits below <paramref name="limit"/>.</summary>
    public int Count(int limit)
    {
        int n = 0;
        for (int w = 0; w < words.Length && w * 64 < limit; w++)
        {
            ulong x = words[w];
            int rest = limit - (w * 64);
            if (rest < 64)
            {
                x &= (1UL << rest) - 1;
            }

            n += BitOperations.PopCount(x);
        }

        return n;
    }

    public IEnumerable<int> Members(int limit)
    {
        for (int w = 0; w < words.Length; w++)
        {
            ulong x = words[w];
            while (x != 0)
            {
                int i = (w * 64) + BitOperations.TrailingZeroCount(x);
                if (i >= limit)
                {
                    yield break;
                }

                yield return i;
                x &= x - 1;
            }
        }
    }
}

/// <summary>
/// The analysis behind <see cref="SegmentationAudit"/>: for each destination and each source class, the path's ACL
/// stages (as <see cref="AclEvaluator"/> walks them) are evaluated by first-match over header-space regions, and the
/// design's rules likewise for the intent; the two are compared and the differences attributed to causes.
/// </summary>
internal sealed class SegmentationEngine
{
    private const int RouterPortClass = -1;
    private const int LocalnetPortClass = -2;

    private readonly LogicalNetwork model;
    private readonly AclEvaluator ev;
    private readonly Network net;
    private readonly int g;
    private readonly int e;
    private readonly int[][] addressedVms;                               // [family][group]
    private readonly (int Switch, bool Addressed)[][][] groupNetworks;   // [family][group] -> networks in slot order
    private readonly AclInfo[] acls;
    private readonly Dictionary<(int, AclDirection, int), int[]> stageCandidates = [];
    private readonly Dictionary<(int, AclDirection), (int[] Common, Dictionary<int, int[]> ByGroup)> stageIndex = [];
    private readonly RuleInfo[] rules;
    private readonly List<int>[] rulesByDestination;
    private readonly List<(int Acl, TrafficSpace Space)> decisions = [];
    private readonly List<(int Rule, TrafficSpace Space)> intentDecisions = [];
    private readonly Dictionary<string, Evidence> leaks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Evidence> blocks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Evidence> asymmetries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Checks.Rule Rule, SourceLocation At, string Text, string Fix)> causes = new(StringComparer.Ordinal);

    public SegmentationEngine(LogicalNetwork model)
    {
        this.model = model;
        net = model.Network;
        ev = new AclEvaluator(model);
        g = net.Groups.Count;
        e = g + 1;
        var policy = net.Design.Policy;
        Enforced = new[] { IpFamily.Ipv4, IpFamily.Ipv6 }
            .Where(f => policy.Families.Contains(f) && net.Segments.Any(s => s.IsVmNetwork && (f == IpFamily.Ipv4 ? s.Ipv4 : s.Ipv6) is not null)).ToList();
        var switchOf = model.Switches.Where(s => s.Segment is not null).ToDictionary(s => s.Segment!, s => s.Index);
        addressedVms = new int[2][];
        groupNetworks = new (int, bool)[2][][];
        for (int f = 0; f < 2; f++)
        {
            var fam = (IpFamily)f;
            addressedVms[f] = net.Groups.Select(gr => gr.Vms.Count(vm => vm.Vnics.Any(v => SegmentationAudit.Addr(v, fam) is not null))).ToArray();
            groupNetworks[f] = net.Groups.Select(gr => gr.Segments.Select(seg =>
                (switchOf[seg], gr.Vms.Any(vm => vm.Vnics.Any(v => v.Segment == seg && SegmentationAudit.Addr(v, fam) is not null)))).ToArray()).ToArray();
        }

        var pgBits = model.PortGroups.Select(pg =>
        {
            var b = new ClassBits(e);
            foreach (var gr in pg.Groups)
            {
                b.Set(gr.Index);
            }

            return b;
        }).ToArray();
        var setBits = model.AddressSets.Select(a => SetBits(a)).ToArray();
        acls = model.Acls.Select(a => new AclInfo(a,
            [Admits(a.Match.Source, IpFamily.Ipv4, pgBits, setBits), Admits(a.Match.Source, IpFamily.Ipv6, pgBits, setBits)],
            [Admits(a.Match.Destination, IpFamily.Ipv4, pgBits, setBits), Admits(a.Match.Destination, IpFamily.Ipv6, pgBits, setBits)])).ToArray();
        rules = policy.Rules.Select((r, i) => new RuleInfo(i, r, LogicalNetworkBuilder.Endpoints.Resolve(net, r.From), LogicalNetworkBuilder.Endpoints.Resolve(net, r.To), g)).ToArray();
        rulesByDestination = Enumerable.Range(0, e).Select(_ => new List<int>()).ToArray();
        foreach (var r in rules)
        {
            foreach (int d in r.To.Members(e))
            {
                rulesByDestination[d].Add(r.Index);
            }
        }

        (SourceClass, ClassMembers) = SourceClasses();
    }

    public List<IpFamily> Enforced { get; }

    /// <summary>The class of each group as a source.</summary>
    public int[] SourceClass { get; }

    public List<int>[] ClassMembers { get; }

    private static string Fam(IpFamily f) => f == IpFamily.Ipv4 ? "IPv4" : "IPv6";

    private string Name(int c) => c == g ? "external" : net.Groups[c].Name;

    private string Pair(int s, int d) => Name(s) + " -> " + Name(d);

    private string RuleLabel(int i) => rules[i].Design.Name ?? (rules[i].Design.From + " -> " + rules[i].Design.To);

    // ----- which sources can be told apart -----

    /// <summary>Per family, the address set's classes: groups whose addresses all lie in it, and 'external' if the external address does.</summary>
    private ClassBits[] SetBits(AddressSet set)
    {
        var bits = new ClassBits(e);
        var f = set.Family;
        for (int c = 0; c < g; c++)
        {
            var addresses = net.Groups[c].Vms.SelectMany(v => v.Vnics).Select(v => SegmentationAudit.Addr(v, f)).Where(a => a is not null).ToList();
            if (addresses.Count > 0 && addresses.All(a => set.Addresses.Any(p => p.Contains(a!))))
            {
                bits.Set(c);
            }
        }

        if (set.Addresses.Any(p => p.Contains(SegmentationAudit.ExternalAddress(ev, f))))
        {
            bits.Set(g);
        }

        var none = new ClassBits(e);
        return f == IpFamily.Ipv4 ? [bits, none] : [none, bits];
    }

    /// <summary>The classes an address test admits in a family, and the groups it tells apart from the rest.</summary>
    private Predicate Admits(AddressMatch m, IpFamily f, ClassBits[] pgBits, ClassBits[][] setBits)
    {
        var inSets = new ClassBits(e);
        foreach (var r in m.Sets)
        {
            inSets.Or(r.PortGroup >= 0 ? pgBits[r.PortGroup] : setBits[r.AddressSet][(int)f]);
        }

        int members = inSets.Count(g);
        bool discriminating = members > 0 && members < g;
        return m.Test switch
        {
            AddressTest.Any => new Predicate(true, true, default, false, default),
            AddressTest.In => new Predicate(members == g, inSets[g], inSets, discriminating, inSets),
            _ => new Predicate(members == 0, !inSets[g], inSets, discriminating, inSets) { Negated = true },
        };
    }

    /// <summary>Sources grouped by what the source side of a path sees: networks and addressing, and the outcome of every
    /// source-side ACL's address test.</summary>
    private (int[] Class, List<int>[] Members) SourceClasses()
    {
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        var cls = new int[g];
        var members = new List<List<int>>();
        var sb = new StringBuilder();
        for (int s = 0; s < g; s++)
        {
            sb.Clear();
            for (int f = 0; f < 2; f++)
            {
                foreach (var (sw, addressed) in groupNetworks[f][s])
                {
                    sb.Append(sw).Append(addressed ? '+' : '-').Append(',');
                }

                sb.Append(addressedVms[f][s] >= 2 ? '2' : addressedVms[f][s] == 1 ? '1' : '0').Append('|');
            }

            foreach (int sw in groupNetworks[0][s].Select(x => x.Switch).Distinct())
            {
                foreach (var (dir, pc) in new[] { (AclDirection.FromLport, s), (AclDirection.ToLport, RouterPortClass), (AclDirection.ToLport, LocalnetPortClass) })
                {
                    foreach (int i in Candidates(new StageDesc(sw, dir, pc, s, false)))
                    {
                        sb.Append(i).Append(acls[i].Source[0].Admits(s, g) ? 'y' : 'n').Append(acls[i].Source[1].Admits(s, g) ? 'y' : 'n').Append(';');
                    }
                }
            }

            string key = sb.ToString();
            if (!keys.TryGetValue(key, out int c))
            {
                c = members.Count;
                keys[key] = c;
                members.Add([]);
            }

            cls[s] = c;
            members[c].Add(s);
        }

        return (cls, [.. members]);
    }

    /// <summary>The sources a destination's ACLs and rules tell apart: each gets its own row.</summary>
    private SortedSet<int> Specials(int d)
    {
        var set = new SortedSet<int> { g };
        if (d < g)
        {
            set.Add(d);
            var switches = groupNetworks[0][d].Select(x => x.Switch).Append(model.External?.Index ?? -1).Where(x => x >= 0).Distinct();
            foreach (int sw in switches)
            {
                foreach (var (dir, pc) in new[] { (AclDirection.ToLport, d), (AclDirection.FromLport, RouterPortClass), (AclDirection.FromLport, LocalnetPortClass), (AclDirection.ToLport, RouterPortClass), (AclDirection.ToLport, LocalnetPortClass) })
                {
                    foreach (int i in Candidates(new StageDesc(sw, dir, pc, pc, false)))
                    {
                        for (int f = 0; f < 2; f++)
                        {
                            if (acls[i].Source[f].Discriminating)
                            {
                                foreach (int s in acls[i].Source[f].Distinct.Members(g))
                                {
                                    set.Add(s);
                                }
                            }
                        }

                        if (acls[i].InportTest)
                        {
                            foreach (var gr in model.PortGroups[acls[i].Acl.Match.PortGroup].Groups)
                            {
                                set.Add(gr.Index);
                            }
                        }
                    }
                }
            }
        }

        foreach (int r in rulesByDestination[d])
        {
            var from = rules[r].FromEndpoints;
            if (!from.Every && !from.External)
            {
                foreach (var gr in from.Groups)
                {
                    set.Add(gr.Index);
                }
            }
        }

        return set;
    }

    // ----- the matrix -----

    public void Compute(SegmentationAudit audit)
    {
        Span<StageDesc> stages = stackalloc StageDesc[AclEvaluation.MaxStages];
        var cells = new MatrixCell[2];
        var specialsInClass = new int[ClassMembers.Length];
        for (int d = 0; d < e; d++)
        {
            var specials = Specials(d);
            foreach (int s in specials)
            {
                if (s == g && d == g)
                {
                    continue;
                }

                Row(s, d, 1, stages, cells);
                audit.SetSpecial(s, d, cells[0], cells[1]);
            }

            // Specials are few; each class loses its specials and keeps its first other member as representative.
            foreach (int s in specials)
            {
                if (s < g)
                {
                    specialsInClass[SourceClass[s]]++;
                }
            }

            for (int c = 0; c < ClassMembers.Length; c++)
            {
                int count = ClassMembers[c].Count - specialsInClass[c];
                if (count > 0)
                {
                    int rep = specialsInClass[c] == 0 ? ClassMembers[c][0] : ClassMembers[c].First(x => !specials.Contains(x));
                    Row(rep, d, count, stages, cells);
                    audit.SetClass(c, d, cells[0], cells[1]);
                }
            }

            foreach (int s in specials)
            {
                if (s < g)
                {
                    specialsInClass[SourceClass[s]] = 0;
                }
            }
        }
    }

    /// <summary>Both families of one (source, destination) row; <paramref name="weight"/> sources share it.</summary>
    private void Row(int s, int d, int weight, Span<StageDesc> stages, MatrixCell[] cells)
    {
        for (int f = 0; f < 2; f++)
        {
            var fam = (IpFamily)f;
            bool applicable = (s == g || addressedVms[f][s] >= (s == d ? 2 : 1)) && (d == g || addressedVms[f][d] >= 1);
            var intended = TrafficSpace.Empty;
            var byRules = TrafficSpace.Empty;
            var allowed = TrafficSpace.Empty;
            bool reachable = false;
            if (applicable)
            {
                intended = Intent(s, d, fam, out byRules, record: true);
                foreach (var (netS, netD) in Routes(s, d, fam))
                {
                    int n = Path(netS, netD, s, d, fam, stages);
                    if (n < 0)
                    {
                        continue;
                    }

                    reachable = true;
                    decisions.Clear();
                    allowed = allowed.Union(Walk(stages[..n], s, d, fam));
                }

                Compare(s, d, fam, allowed, intended, byRules, reachable, weight);
            }

            cells[f] = new MatrixCell(applicable, reachable, allowed, intended);
        }

        if (cells[0] is { Applicable: true, Reachable: true } c4 && cells[1] is { Applicable: true, Reachable: true } c6 && c4.Allowed != c6.Allowed)
        {
            Asymmetry(s, d, c4.Allowed, c6.Allowed, weight);
        }
    }

    /// <summary>The (source network, destination network) pairs to try: one per addressed destination network, from the
    /// source's vNIC on that network, else its first addressed vNIC (the default route).</summary>
    private IEnumerable<(int NetS, int NetD)> Routes(int s, int d, IpFamily fam)
    {
        int f = (int)fam;
        if (d == g)
        {
            int first = s == g ? -1 : FirstAddressed(s, f);
            if (first >= 0)
            {
                yield return (first, -1);
            }

            yield break;
        }

        foreach (var (sw, addressed) in groupNetworks[f][d])
        {
            if (!addressed)
            {
                continue;
            }

            if (s == g)
            {
                yield return (-1, sw);
                continue;
            }

            bool same = groupNetworks[f][s].Any(x => x.Switch == sw && x.Addressed);
            int netS = same ? sw : FirstAddressed(s, f);
            if (netS >= 0)
            {
                yield return (netS, sw);
            }
        }
    }

    private int FirstAddressed(int group, int f)
    {
        foreach (var (sw, addressed) in groupNetworks[f][group])
        {
            if (addressed)
            {
                return sw;
            }
        }

        return -1;
    }

    /// <summary>The ACL stages between two networks (or the outside, -1), exactly as <see cref="AclEvaluator"/> plans them; -1 without a path.</summary>
    private int Path(int netS, int netD, int s, int d, IpFamily fam, Span<StageDesc> stages)
    {
        int n = 0;
        int ext = model.External?.Index ?? -1;
        if (netS >= 0 && netS == netD)
        {
            stages[n++] = new(netS, AclDirection.FromLport, s, s, false);
            stages[n++] = new(netS, AclDirection.ToLport, d, s, false);
            return n;
        }

        if (netS >= 0 && netD >= 0 && ev.RouterAttached(netS, fam) && ev.RouterAttached(netD, fam))
        {
            stages[n++] = new(netS, AclDirection.FromLport, s, s, false);
            stages[n++] = new(netS, AclDirection.ToLport, RouterPortClass, s, false);
            stages[n++] = new(netD, AclDirection.FromLport, RouterPortClass, RouterPortClass, false);
            stages[n++] = new(netD, AclDirection.ToLport, d, RouterPortClass, false);
            return n;
        }

        if ((netS >= 0 && !ev.FabricOut(netS, fam)) || (netD >= 0 && !ev.FabricIn(netD, fam)))
        {
            return -1;
        }

        bool natted = false;
        if (netS >= 0)
        {
            stages[n++] = new(netS, AclDirection.FromLport, s, s, false);
            if (ev.RouterAttached(netS, fam))
            {
                natted = ev.Snat(netS, fam);
                stages[n++] = new(netS, AclDirection.ToLport, RouterPortClass, s, false);
                stages[n++] = new(ext, AclDirection.FromLport, RouterPortClass, RouterPortClass, natted);
                stages[n++] = new(ext, AclDirection.ToLport, LocalnetPortClass, RouterPortClass, natted);
            }
            else
            {
                stages[n++] = new(netS, AclDirection.ToLport, LocalnetPortClass, s, false);
            }
        }

        if (netD >= 0)
        {
            if (ev.RouterAttached(netD, fam))
            {
                stages[n++] = new(ext, AclDirection.FromLport, LocalnetPortClass, LocalnetPortClass, natted);
                stages[n++] = new(ext, AclDirection.ToLport, RouterPortClass, LocalnetPortClass, natted);
                stages[n++] = new(netD, AclDirection.FromLport, RouterPortClass, RouterPortClass, natted);
                stages[n++] = new(netD, AclDirection.ToLport, d, RouterPortClass, natted);
            }
            else
            {
                stages[n++] = new(netD, AclDirection.FromLport, LocalnetPortClass, LocalnetPortClass, natted);
                stages[n++] = new(netD, AclDirection.ToLport, d, LocalnetPortClass, natted);
            }
        }

        return n;
    }

    /// <summary>First match over each stage's ACLs; the path admits what every stage admits. Records the decisions.</summary>
    private TrafficSpace Walk(ReadOnlySpan<StageDesc> stages, int s, int d, IpFamily fam)
    {
        int f = (int)fam;
        var through = TrafficSpace.All;
        foreach (var st in stages)
        {
            int src = st.SourceNatted ? g : s;
            bool defaultDrop = model.DefaultAclDrop && ev.HasAcls(st.Switch);
            var remaining = through;
            var passed = TrafficSpace.Empty;
            foreach (int i in Candidates(st))
            {
                ref readonly var a = ref acls[i];
                if (!a.Acl.Match.Admits(fam) || !a.Source[f].Admits(src, g) || !a.Destination[f].Admits(d, g)
                    || (a.InportTest && !InportMatches(a.Acl, st.InportClass)))
                {
                    continue;
                }

                var m = remaining.Intersect(a.Space);
                if (m.IsEmpty)
                {
                    continue;
                }

                decisions.Add((i, m));
                if (a.Acl.Allows)
                {
                    passed = passed.Union(m);
                }

                remaining = remaining.Except(m);
                if (remaining.IsEmpty)
                {
                    break;
                }
            }

            if (!remaining.IsEmpty)
            {
                decisions.Add((-1, remaining));
                if (!defaultDrop)
                {
                    passed = passed.Union(remaining);
                }
            }

            through = passed;
            if (through.IsEmpty)
            {
                break;
            }
        }

        return through;
    }

    private bool InportMatches(Acl a, int inportClass) =>
        inportClass >= 0 && model.PortGroups[a.Match.PortGroup].Groups.Any(x => x.Index == inportClass);

    /// <summary>The ACLs of a stage that can apply to its port class, highest priority first.</summary>
    private int[] Candidates(StageDesc st)
    {
        var key = (st.Switch, st.Direction, st.PortClass);
        if (stageCandidates.TryGetValue(key, out var list))
        {
            return list;
        }

        // Per switch and direction, once: the ACLs every port class sees (no port test, or an inport test in egress) and
        // those of each group's port groups; a stage's list is the two merged in priority order.
        var index = (st.Switch, st.Direction);
        if (!stageIndex.TryGetValue(index, out var idx))
        {
            var field = st.Direction == AclDirection.FromLport ? AclPortField.Inport : AclPortField.Outport;
            var common = new List<int>();
            var byGroup = new Dictionary<int, List<int>>();
            foreach (int i in ev.InstalledIndexes(st.Switch, st.Direction))
            {
                var m = model.Acls[i].Match;
                if (m.PortField == AclPortField.None || (m.PortField != field && field == AclPortField.Outport))
                {
                    common.Add(i);
                }
                else if (m.PortField == field)
                {
                    foreach (var gr in model.PortGroups[m.PortGroup].Groups)
                    {
                        if (!byGroup.TryGetValue(gr.Index, out var l))
                        {
                            byGroup[gr.Index] = l = [];
                        }

                        l.Add(i);
                    }
                }
            }

            idx = (common.ToArray(), byGroup.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()));
            stageIndex[index] = idx;
        }

        if (st.PortClass < 0 || !idx.ByGroup.TryGetValue(st.PortClass, out var own))
        {
            list = idx.Common;
        }
        else if (idx.Common.Length == 0)
        {
            list = own;
        }
        else
        {
            list = [.. idx.Common.Concat(own).OrderByDescending(i => model.Acls[i].Priority).ThenBy(i => i)];
        }

        stageCandidates[key] = list;
        return list;
    }

    // ----- the intent -----

    /// <summary>The first rule (in design order) naming both ends and the family decides; then within-group, between-groups,
    /// or (toward 'external') allow.</summary>
    private TrafficSpace Intent(int s, int d, IpFamily fam, out TrafficSpace byRules, bool record = false)
    {
        var remaining = TrafficSpace.All;
        var allowed = TrafficSpace.Empty;
        byRules = TrafficSpace.Empty;
        intentDecisions.Clear();
        foreach (int i in rulesByDestination[d])
        {
            var r = rules[i];
            if (!r.From[s] || !r.Families.Contains(fam) || r.Space.IsEmpty)
            {
                continue;
            }

            r.Matched |= record;
            var m = remaining.Intersect(r.Space);
            if (m.IsEmpty)
            {
                foreach (var (earlier, space) in intentDecisions)
                {
                    if (record && !space.Intersect(r.Space).IsEmpty && r.CoveredBy.Count < 5 && !r.CoveredBy.Contains(earlier))
                    {
                        r.CoveredBy.Add(earlier);
                    }
                }

                continue;
            }

            r.Decided |= record;
            intentDecisions.Add((i, m));
            if (r.Design.Action == PolicyAction.Allow)
            {
                allowed = allowed.Union(m);
                byRules = byRules.Union(m);
            }

            remaining = remaining.Except(m);
            if (remaining.IsEmpty)
            {
                break;
            }
        }

        var policy = net.Design.Policy;
        var fallback = s == d ? policy.WithinGroup : d == g ? PolicyAction.Allow : policy.BetweenGroups;
        return fallback == PolicyAction.Allow ? allowed.Union(remaining) : allowed;
    }

    // ----- findings -----

    private void Compare(int s, int d, IpFamily fam, in TrafficSpace allowed, in TrafficSpace intended, in TrafficSpace byRules, bool reachable, int weight)
    {
        var leak = allowed.Except(intended);
        if (!leak.IsEmpty)
        {
            string key;
            if (!Enforced.Contains(fam))
            {
                key = "leak:family:" + Fam(fam);
                causes.TryAdd(key, (SdnChecks.Leak, net.Design.Policy.LocationOf("families"),
                    $"{Fam(fam)} is not segmented: policy.families leaves out {Tokens.Of(fam)}, so no {Fam(fam)} ACL exists and OVN admits whatever no ACL matches",
                    $"Add {Tokens.Of(fam)} to policy.families: dcnet then renders the {Fam(fam)} default deny and allows too."));
            }
            else
            {
                int acl = Decider(leak, allowing: true);
                var origin = acl >= 0 ? model.Acls[acl].Origin : null;
                string nat = SourceNatted(s, d, fam) is string n ? ": " + n : "";
                key = "leak:" + Fam(fam) + ":" + (acl >= 0 ? model.Acls[acl].Name : "default");
                causes.TryAdd(key, (SdnChecks.Leak, origin?.At ?? net.Design.Policy.Location,
                    acl >= 0 ? $"{Fam(fam)} traffic the intent denies passes ACL '{model.Acls[acl].Name}' ({origin!.Description}){nat}" : $"{Fam(fam)} traffic the intent denies matches no ACL, and OVN admits whatever no ACL matches",
                    "Narrow the rule, or keep the source network routed so its traffic is not NATed into 'external'."));
            }

            Note(leaks, key, Pair(s, d), leak, weight);
        }

        var block = intended.Except(allowed);
        if (block.IsEmpty)
        {
            return;
        }

        // The rule (or default) that intends the blocked traffic is where the finding points.
        int intending = -1;
        foreach (var (r, space) in intentDecisions)
        {
            if (!space.Intersect(block).IsEmpty && rules[r].Design.Action == PolicyAction.Allow)
            {
                intending = r;
                break;
            }
        }

        string why = intending >= 0 ? $"rule '{RuleLabel(intending)}' (policy.rules[{intending}])" : s == d ? "within-group: allow" : "between-groups: allow";
        var at = intending >= 0 ? rules[intending].Design.Location : net.Design.Policy.LocationOf(s == d ? "within-group" : "between-groups");
        if (!reachable)
        {
            // Only an explicit allow promises a path; the defaults do not.
            block = block.Intersect(byRules);
            if (block.IsEmpty || intending < 0)
            {
                return;
            }

            string key = "block:path:" + Fam(fam) + ":" + intending.ToString(CultureInfo.InvariantCulture);
            causes.TryAdd(key, (SdnChecks.Block, at, $"{why} allows {Fam(fam)} traffic that has no path: {NoPathReason(s, d, fam)}",
                "Make the networks reachable in that family (routed: true, a prefix of the family, the same router), or remove the rule."));
            Note(blocks, key, Pair(s, d), block, weight);
        }
        else
        {
            int acl = Decider(block, allowing: false);
            var origin = acl >= 0 ? model.Acls[acl].Origin : null;
            string nat = SourceNatted(s, d, fam) is string n ? ": " + n : "";
            string key = "block:" + Fam(fam) + ":" + why + ":" + (acl >= 0 ? model.Acls[acl].Name : "default");
            causes.TryAdd(key, (SdnChecks.Block, at,
                acl >= 0 ? $"{why} allows {Fam(fam)} traffic that ACL '{model.Acls[acl].Name}' ({origin!.Description}) drops{nat}" : $"{why} allows {Fam(fam)} traffic that default_acl_drop drops",
                "Keep the source network routed (the router SNATs an unrouted network, so the destination's ACLs see an external address), or allow 'external' there."));
            Note(blocks, key, Pair(s, d), block, weight);
        }
    }

    private string? SourceNatted(int s, int d, IpFamily fam)
    {
        if (s == g)
        {
            return null;
        }

        foreach (var (netS, netD) in Routes(s, d, fam))
        {
            if (netS != netD && !(netD >= 0 && ev.RouterAttached(netS, fam) && ev.RouterAttached(netD, fam)) && ev.Snat(netS, fam))
            {
                return $"network '{model.Switches[netS].Segment!.Name}' is not routed, so the router SNATs its traffic and the destination sees an external address";
            }
        }

        return null;
    }

    private string NoPathReason(int s, int d, IpFamily fam)
    {
        foreach (var (netS, netD) in Routes(s, d, fam))
        {
            string a = netS < 0 ? "the outside" : $"network '{model.Switches[netS].Segment!.Name}'";
            string b = netD < 0 ? "the outside" : $"network '{model.Switches[netD].Segment!.Name}'";
            string why = netS >= 0 && !ev.FabricOut(netS, fam) ? $"{a} does not reach the fabric (not routed{(ev.RouterAttached(netS, fam) ? ", and there is no NAT for " + Fam(fam) : "")})"
                : netD >= 0 && !ev.FabricIn(netD, fam) ? $"the fabric does not route {b}" : "there is no route";
            return $"{Pair(s, d)} goes from {a} to {b}, and {why}";
        }

        return $"{Pair(s, d)} share no network with a {Fam(fam)} address";
    }

    /// <summary>The ACL that decided <paramref name="space"/> on the last path walked: the first that dropped part of it,
    /// or the last that allowed it; -1 for OVN's default.</summary>
    private int Decider(in TrafficSpace space, bool allowing)
    {
        int found = -1;
        foreach (var (acl, m) in decisions)
        {
            if (m.Intersect(space).IsEmpty)
            {
                continue;
            }

            bool allows = acl < 0 ? !model.DefaultAclDrop : model.Acls[acl].Allows;
            if (!allowing && !allows)
            {
                return acl;
            }

            if (allowing && allows && acl >= 0)
            {
                found = acl;
            }
        }

        return found;
    }

    private void Asymmetry(int s, int d, in TrafficSpace v4, in TrafficSpace v6, int weight)
    {
        string key;
        var diff = v4.Except(v6).Union(v6.Except(v4));
        var missing = new[] { IpFamily.Ipv4, IpFamily.Ipv6 }.Where(f => !Enforced.Contains(f)).ToList();
        if (missing.Count == 1)
        {
            var f = missing[0];
            key = "asym:family";
            causes.TryAdd(key, (SdnChecks.Asymmetry, net.Design.Policy.LocationOf("families"),
                $"IPv4 and IPv6 get different verdicts: {Fam(f)} is left open (policy.families: [{string.Join(", ", Enforced.Select(x => Tokens.Of(x)))}]) while {Fam(f == IpFamily.Ipv4 ? IpFamily.Ipv6 : IpFamily.Ipv4)} is segmented",
                $"Add {Tokens.Of(f)} to policy.families."));
        }
        else
        {
            // A rule naming one family only is the usual cause: each one gets the part of the difference it decided.
            var rest = diff;
            foreach (var fam in new[] { IpFamily.Ipv4, IpFamily.Ipv6 })
            {
                Intent(s, d, fam, out _);
                foreach (var (rule, space) in intentDecisions)
                {
                    var part = space.Intersect(rest);
                    if (rules[rule].Families.Count != 1 || part.IsEmpty)
                    {
                        continue;
                    }

                    string rk = "asym:rule:" + rule.ToString(CultureInfo.InvariantCulture);
                    var only = rules[rule].Families[0];
                    causes.TryAdd(rk, (SdnChecks.Asymmetry, rules[rule].Design.LocationOf("families"),
                        $"rule '{RuleLabel(rule)}' (policy.rules[{rule}]) names {Fam(only)} only, so the same traffic gets another verdict over {Fam(only == IpFamily.Ipv4 ? IpFamily.Ipv6 : IpFamily.Ipv4)}",
                        "List both families in the rule (or leave out 'families': both is the default), unless the difference is meant."));
                    Note(asymmetries, rk, Pair(s, d), part, weight);
                    rest = rest.Except(part);
                }
            }

            if (rest.IsEmpty)
            {
                return;
            }

            diff = rest;
            key = "asym:other";
            causes.TryAdd(key, (SdnChecks.Asymmetry, net.Design.Policy.Location,
                "IPv4 and IPv6 reach different things (the networks differ in routing or addressing per family)",
                "Give every VM network both families and the same routing for both."));
        }

        Note(asymmetries, key, Pair(s, d), diff, weight);
    }

    private static void Note(Dictionary<string, Evidence> map, string key, string pair, in TrafficSpace space, int weight)
    {
        if (!map.TryGetValue(key, out var evidence))
        {
            evidence = new Evidence();
            map[key] = evidence;
        }

        evidence.Add(pair, space, weight);
    }

    public IReadOnlyList<Checks.Finding> Findings()
    {
        var list = new List<Checks.Finding>();
        void Emit(Dictionary<string, Evidence> map, Checks.Severity severity)
        {
            foreach (var (key, evd) in map)
            {
                var (rule, at, text, fix) = causes[key];
                string examples = string.Join(", ", evd.Examples) + (evd.Pairs > evd.Examples.Count ? ", ..." : "");
                list.Add(new Checks.Finding
                {
                    Rule = rule,
                    Severity = severity,
                    Message = string.Create(CultureInfo.InvariantCulture, $"{text}; {evd.Pairs:N0} endpoint {(evd.Pairs == 1 ? "pair" : "pairs")} ({evd.Space}), e.g. {examples}"),
                    Objects = evd.Examples.SelectMany(x => x.Split(" -> ")).Distinct(StringComparer.Ordinal).ToList(),
                    Location = at,
                    Fix = fix,
                });
            }
        }

        Emit(leaks, Checks.Severity.Error);
        Emit(blocks, Checks.Severity.Error);
        Emit(asymmetries, Checks.Severity.Warning);
        foreach (var r in rules)
        {
            if (r.Matched && !r.Decided)
            {
                string by = string.Join(", ", r.CoveredBy.Order().Select(i => $"'{RuleLabel(i)}' (policy.rules[{i}])"));
                list.Add(new Checks.Finding
                {
                    Rule = SdnChecks.Shadowed,
                    Severity = Checks.Severity.Warning,
                    Message = $"rule '{RuleLabel(r.Index)}' (policy.rules[{r.Index}]) never decides: every packet it matches is decided first by {by}",
                    Objects = [RuleLabel(r.Index)],
                    Location = r.Design.Location,
                });
            }
            else if (!r.Matched)
            {
                list.Add(new Checks.Finding
                {
                    Rule = SdnChecks.MatchesNothing,
                    Severity = Checks.Severity.Warning,
                    Message = $"rule '{RuleLabel(r.Index)}' (policy.rules[{r.Index}]) matches no traffic: {NothingReason(r)}",
                    Objects = [RuleLabel(r.Index)],
                    Location = r.Design.Location,
                });
            }
        }

        return Checks.CheckRegistry.Sort(list);
    }

    private static string NothingReason(RuleInfo r)
    {
        if (r.FromEndpoints.External && r.ToEndpoints.External)
        {
            return "both 'from' and 'to' are 'external', which the logical network never carries";
        }

        bool NoVms(LogicalNetworkBuilder.Endpoints side) => !side.External && side.Groups.All(x => x.Vms.Count == 0);
        if (NoVms(r.FromEndpoints) || NoVms(r.ToEndpoints))
        {
            var empty = r.FromEndpoints.Groups.Concat(r.ToEndpoints.Groups).Where(x => x.Vms.Count == 0).Select(x => x.Name).Distinct().Take(5);
            return "its groups have no VMs (" + string.Join(", ", empty) + ")";
        }

        return $"no VM pair it names has addresses in its families ({string.Join(", ", r.Families.Select(f => Tokens.Of(f)))}), or it names one group of a single VM on both sides";
    }

    /// <summary>Accumulated evidence of one cause: pairs, the union of their traffic, examples.</summary>
    private sealed class Evidence
    {
        public int Pairs;
        public TrafficSpace Space;
        public readonly List<string> Examples = [];

        public void Add(string pair, in TrafficSpace space, int weight)
        {
            Pairs += weight;
            Space = Space.Union(space);
            if (Examples.Count < 5)
            {
                Examples.Add(pair);
            }
        }
    }

    /// <summary>A stage of a path at group level.</summary>
    private readonly record struct StageDesc(int Switch, AclDirection Direction, int PortClass, int InportClass, bool SourceNatted);

    /// <summary>An address test at group level: which classes it admits, and whether it tells groups apart.</summary>
    private readonly record struct Predicate(bool AllGroups, bool External, ClassBits Bits, bool Discriminating, ClassBits Distinct)
    {
        public bool Negated { get; init; }

        public bool Admits(int c, int g) => c == g ? External : AllGroups || Bits[c] != Negated;
    }

    private readonly record struct AclInfo(Acl Acl, Predicate[] Source, Predicate[] Destination)
    {
        public TrafficSpace Space { get; } = Acl.Match.Space;

        public bool InportTest { get; } = Acl.Direction == AclDirection.ToLport && Acl.Match.PortField == AclPortField.Inport;
    }

    private sealed class RuleInfo
    {
        public RuleInfo(int index, PolicyRuleDesign design, LogicalNetworkBuilder.Endpoints from, LogicalNetworkBuilder.Endpoints to, int groups)
        {
            Index = index;
            Design = design;
            FromEndpoints = from;
            ToEndpoints = to;
            From = Bits(from, groups);
            To = Bits(to, groups);
            Families = design.Families;
            var ports = design.Ports.Select(p => PortRange.TryParse(p, out var x) ? x : PortRange.All).ToList();
            Space = TrafficSpace.For(design.Protocol switch
            {
                PolicyProtocol.Tcp => L4Match.Tcp,
                PolicyProtocol.Udp => L4Match.Udp,
                PolicyProtocol.Icmp => L4Match.Icmp,
                _ => L4Match.Any,
            }, ports.Count == 0 ? PortSet.All : PortSet.Of(ports));
        }

        public int Index { get; }

        public PolicyRuleDesign Design { get; }

        public LogicalNetworkBuilder.Endpoints FromEndpoints { get; }

        public LogicalNetworkBuilder.Endpoints ToEndpoints { get; }

        public ClassBits From { get; }

        public ClassBits To { get; }

        public IReadOnlyList<IpFamily> Families { get; }

        public TrafficSpace Space { get; }

        public bool Matched { get; set; }

        public bool Decided { get; set; }

        public List<int> CoveredBy { get; } = [];

        private static ClassBits Bits(LogicalNetworkBuilder.Endpoints side, int groups)
        {
            var bits = new ClassBits(groups + 1);
            if (side.External)
            {
                bits.Set(groups);
            }
            else
            {
                foreach (var gr in side.Groups)
                {
                    bits.Set(gr.Index);
                }
            }

            return bits;
        }
    }
}
