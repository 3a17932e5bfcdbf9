using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Dcnet.Design;
using Dcnet.Reporting;
using Dcnet.Text;
using Dcnet.Topology;

namespace Dcnet.Bgp;

/// <summary>Which routers and families a report shows.</summary>
public sealed record BgpSelection(IReadOnlyList<string> Devices, IReadOnlyList<IpFamily> Families)
{
    /// <summary>Every router, every family.</summary>
    public static readonly BgpSelection All = new([], []);

    public bool Includes(BgpRouter r) => Devices.Count == 0 || Devices.Any(d => Glob.Matches(d, r.Name));

    public bool Includes(IpFamily f) => Families.Count == 0 || Families.Contains(f);
}

/// <summary>The views of BGP results: text for people, JSON for tools, and FRR's own route JSON for diffing a live router.</summary>
public static class BgpReport
{
    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Ms(int? v) => v is int x ? N(x) + " ms" : "never";

    /// <summary>"ipv4" or "ipv6", as FRR and the JSON outputs spell families.</summary>
    public static string FamilyToken(IpFamily f) => f == IpFamily.Ipv4 ? "ipv4" : "ipv6";

    private static string Role(BgpRouter r) => r.Role switch
    {
        DeviceRole.Spine => "spine",
        DeviceRole.Leaf => "leaf",
        _ => "speaker",
    };

    // ---------------------------------------------------------------- text

    /// <summary><c>dcnet bgp</c>: the fabric in one paragraph, then each selected device's tables.</summary>
    public static string Text(BgpOutcome outcome, BgpSelection selection)
    {
        var sb = new StringBuilder();
        Header(sb, outcome.Model);
        Tables(sb, outcome, selection);
        return sb.ToString();
    }

    private static void Header(StringBuilder sb, BgpModel m)
    {
        var d = m.Network.Design;
        string Asns(IEnumerable<BgpRouter> rs)
        {
            var list = rs.Select(r => r.Asn.Value).Distinct().Order().ToList();
            return list.Count == 0 ? "" : list.Count == 1 ? "AS " + I(list[0]) : list.Count == list[^1] - list[0] + 1 ? $"AS {I(list[0])}-{I(list[^1])}" : "AS " + string.Join(", ", list.Select(a => I(a)));
        }

        sb.Append(d.SourcePath).Append(": ").Append(d.Name).Append(", BGP on ")
          .Append(N(m.Spines.Count())).Append(" spines (").Append(Asns(m.Spines)).Append("), ")
          .Append(N(m.Leaves.Count())).Append(" leaves (").Append(Asns(m.Leaves)).Append(')');
        if (m.Speakers.Any())
        {
            sb.Append(", ").Append(N(m.Speakers.Count())).Append(" speakers (").Append(Asns(m.Speakers)).Append(')');
        }

        sb.Append('\n');
        var bgp = d.Fabric.Bgp;
        sb.Append("  profile ").Append(Tokens.Of(m.Profile)).Append(": keepalive ").Append(DurationText.Format(m.Timers.Keepalive))
          .Append(", hold ").Append(DurationText.Format(m.Timers.Hold)).Append(", MRAI 0 (FRR)")
          .Append("; BFD ").Append(m.Bfd is { } b ? DurationText.Format(b.Interval) + " x " + I(b.Multiplier) : "off")
          .Append(bgp.MultipathRelax ? "; multipath-relax" : "").Append(bgp.CompareRouterId ? "; compare-routerid" : "")
          .Append("; maximum-paths ").Append(I(bgp.MaximumPaths)).Append('\n');
        int fabric = m.Sessions.Count(s => !s.IsSpeakerSession), speaker = m.Sessions.Count(s => s.IsSpeakerSession);
        int down = m.Sessions.Count(s => !s.Establishes), unmatched = m.Neighbors.Count(n => n.Session is null);
        sb.Append("  sessions: ").Append(N(fabric)).Append(" fabric (").Append(d.Fabric.Addressing == LinkAddressing.Numbered ? "numbered, one per family" : "unnumbered, both families")
          .Append("), ").Append(N(speaker)).Append(" speaker; ").Append(N(down)).Append(" never established, ").Append(N(unmatched)).Append(" neighbour statements without a partner (see dcnet check)\n");
    }

    private static void Tables(StringBuilder sb, BgpOutcome outcome, BgpSelection selection)
    {
        foreach (var r in outcome.LiveRouters.Where(selection.Includes))
        {
            sb.Append('\n').Append(r.Name).Append("  ").Append(Role(r)).Append("  AS ").Append(r.Asn.ToString()).Append("  router-id ").Append(r.RouterId).Append('\n');
            foreach (var f in outcome.Families.Where(selection.Includes))
            {
                var rib = outcome.Rib(r, f);
                sb.Append("  ").Append(FamilyToken(f)).Append(" unicast: ").Append(N(rib.Entries.Count)).Append(rib.Entries.Count == 1 ? " prefix" : " prefixes").Append('\n');
                if (rib.Entries.Count == 0)
                {
                    continue;
                }

                var table = new TextTable("prefix", "best path", "next hop", "ecmp");

                // The prefixes of one class share their path list: format it once.
                var rows = new Dictionary<IReadOnlyList<RibPath>, string[]>(ReferenceEqualityComparer.Instance);
                string[] Cached(RibEntry e)
                {
                    if (!rows.TryGetValue(e.Paths, out var row))
                    {
                        rows[e.Paths] = row = Row(e);
                    }

                    return row;
                }

                foreach (var (label, row) in Collapse(rib.Entries, e => e.Prefix, Cached))
                {
                    table.Add(label, row[0], row[1], row[2]);
                }

                table.WriteTo(sb, "    ");
            }
        }
    }

    private static string[] Row(RibEntry e)
    {
        if (e.Best is not { } best)
        {
            return ["(none)", "", ""];
        }

        string path = (best.AsPathText + " i").Trim();
        string nh = best.IsLocal ? "(local)" : best.Peer.NextHopText + " (" + best.Peer.Hostname + ")";
        return [path, nh, EcmpText(e.Ecmp)];
    }

    private static string EcmpText(IReadOnlyList<RibPath> ecmp)
    {
        if (ecmp.Count == 0)
        {
            return "-";
        }

        if (ecmp.Count == 1 && ecmp[0].IsLocal)
        {
            return "1";
        }

        var names = ecmp.Select(p => p.IsLocal ? "local" : p.Peer.Hostname).ToList();
        string list = string.Join(' ', names.Take(4)) + (names.Count > 4 ? " +" + I(names.Count - 4) : "");
        return I(ecmp.Count) + ": " + list;
    }

    /// <summary>
    /// Folds runs of consecutive, equally long, adjacent prefixes that route identically into one row
    /// ("10.96.0.0/32 .. 10.96.0.9/32"), so a table of 2,000 VIPs stays readable.
    /// </summary>
    private static IEnumerable<(string Label, string[] Row)> Collapse<T>(IReadOnlyList<T> items, Func<T, IPNetwork> prefixOf, Func<T, string[]> row)
    {
        int i = 0;
        while (i < items.Count)
        {
            var first = prefixOf(items[i]);
            var r = row(items[i]);
            int j = i + 1;
            while (j < items.Count && prefixOf(items[j]) is var next && next.PrefixLength == first.PrefixLength
                   && next.First() == prefixOf(items[j - 1]).Last() + 1 && row(items[j]) is var nextRow && (ReferenceEquals(nextRow, r) || nextRow.SequenceEqual(r)))
            {
                j++;
            }

            string label = j - i == 1 ? first.ToString() : $"{first} .. {prefixOf(items[j - 1])} ({N(j - i)})";
            yield return (label, r);
            i = j;
        }
    }

    // ---------------------------------------------------------------- JSON

    /// <summary><c>dcnet bgp --json</c>.</summary>
    public static string Json(BgpOutcome outcome, BgpSelection selection) => JsonOutput.Write(JsonWriter(outcome, selection));

    /// <summary><c>dcnet bgp --json</c> as a writer, to stream documents of hundreds of megabytes (every table of a large fabric).</summary>
    public static Action<Utf8JsonWriter> JsonWriter(BgpOutcome outcome, BgpSelection selection) => w =>
    {
        w.WriteStartObject();
        Preamble(w, outcome.Model);
        Devices(w, outcome, selection);
        w.WriteEndObject();
    };

    private static void Preamble(Utf8JsonWriter w, BgpModel m)
    {
        var d = m.Network.Design;
        w.WriteString("design", d.SourcePath);
        w.WriteString("name", d.Name);
        w.WriteString("profile", Tokens.Of(m.Profile));
        w.WriteNumber("keepaliveMs", (long)m.Timers.Keepalive.TotalMilliseconds);
        w.WriteNumber("holdMs", (long)m.Timers.Hold.TotalMilliseconds);
        if (m.Bfd is { } b)
        {
            w.WriteStartObject("bfd");
            w.WriteNumber("intervalMs", (long)b.Interval.TotalMilliseconds);
            w.WriteNumber("multiplier", b.Multiplier);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("bfd");
        }

        w.WriteBoolean("multipathRelax", d.Fabric.Bgp.MultipathRelax);
        w.WriteBoolean("compareRouterId", d.Fabric.Bgp.CompareRouterId);
        w.WriteNumber("maximumPaths", d.Fabric.Bgp.MaximumPaths);
        w.WriteStartObject("sessions");
        w.WriteNumber("fabric", m.Sessions.Count(s => !s.IsSpeakerSession));
        w.WriteNumber("speaker", m.Sessions.Count(s => s.IsSpeakerSession));
        w.WriteNumber("notEstablished", m.Sessions.Count(s => !s.Establishes));
        w.WriteNumber("unmatchedNeighbors", m.Neighbors.Count(n => n.Session is null));
        w.WriteEndObject();
    }

    private static void Devices(Utf8JsonWriter w, BgpOutcome outcome, BgpSelection selection)
    {
        w.WriteStartArray("devices");
        foreach (var r in outcome.LiveRouters.Where(selection.Includes))
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            w.WriteString("role", Role(r));
            w.WriteNumber("asn", r.Asn.Value);
            w.WriteString("routerId", r.RouterId.ToString());
            w.WriteStartObject("ribs");
            foreach (var f in outcome.Families.Where(selection.Includes))
            {
                w.WriteStartArray(FamilyToken(f));
                foreach (var e in outcome.Rib(r, f).Entries)
                {
                    Entry(w, e);
                    w.FlushWhenLarge();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Entry(Utf8JsonWriter w, RibEntry e)
    {
        w.WriteStartObject();
        w.WriteString("prefix", e.Prefix.ToString());
        if (e.Best is { } best)
        {
            w.WritePropertyName("best");
            PathJson(w, best);
            w.WriteStartArray("ecmp");
            foreach (var p in e.Ecmp)
            {
                PathJson(w, p);
            }

            w.WriteEndArray();
        }
        else
        {
            w.WriteNull("best");
        }

        w.WriteNumber("paths", e.Paths.Count);
        w.WriteString("selectionReason", e.Reason.Text());
        w.WriteEndObject();
    }

    private static void PathJson(Utf8JsonWriter w, RibPath p)
    {
        w.WriteStartObject();
        w.WriteStartArray("asPath");
        foreach (uint a in p.AsPath)
        {
            w.WriteNumberValue(a);
        }

        w.WriteEndArray();
        w.WriteString("origin", "IGP");
        w.WriteString("nextHop", p.IsLocal ? p.Peer.NextHops[0].Ip : p.Peer.NextHopText);
        if (p.IsLocal)
        {
            w.WriteNull("peer");
        }
        else
        {
            w.WriteString("peer", p.Peer.Hostname);
        }

        w.WriteEndObject();
    }

    // ---------------------------------------------------------------- FRR JSON

    /// <summary>
    /// The table of one router in the shape of FRR 8.4's <c>show bgp ipv4|ipv6 unicast json</c>, for diffing against a
    /// live router. Keys FRR derives from history (tableVersion, per-prefix version) are left out, and link-local
    /// next hops, which come from MAC addresses, are written as fe80::%IFACE.
    /// </summary>
    public static string FrrJson(BgpOutcome outcome, BgpRouter r, IpFamily f) => JsonOutput.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("vrfId", 0);
        w.WriteString("vrfName", "default");
        w.WriteString("routerId", r.RouterId.ToString());
        w.WriteNumber("defaultLocPrf", 100);
        w.WriteNumber("localAS", r.Asn.Value);
        w.WriteStartObject("routes");
        foreach (var e in outcome.Rib(r, f).Entries)
        {
            w.WriteStartArray(e.Prefix.ToString());
            foreach (var p in e.Paths)
            {
                w.WriteStartObject();
                w.WriteBoolean("valid", true);
                if (p.Best)
                {
                    w.WriteBoolean("bestpath", true);
                    w.WriteString("selectionReason", e.Reason.Text());
                }

                if (p.Multipath)
                {
                    w.WriteBoolean("multipath", true);
                }

                w.WriteString("pathFrom", "external");
                w.WriteString("prefix", e.Prefix.BaseAddress.ToString());
                w.WriteNumber("prefixLen", e.Prefix.PrefixLength);
                w.WriteString("network", e.Prefix.ToString());
                if (p.HasMed)
                {
                    w.WriteNumber("metric", 0);
                }

                w.WriteNumber("weight", p.Weight);
                w.WriteString("peerId", p.Peer.PeerId);
                w.WriteString("path", p.AsPathText);
                w.WriteString("origin", "IGP");
                w.WriteStartArray("nexthops");
                foreach (var nh in p.Peer.NextHops)
                {
                    w.WriteStartObject();
                    w.WriteString("ip", nh.Ip);
                    w.WriteString("hostname", nh.Hostname);
                    w.WriteString("afi", FamilyToken(nh.Afi));
                    if (nh.Scope is { } scope)
                    {
                        w.WriteString("scope", scope);
                    }

                    if (nh.Used)
                    {
                        w.WriteBoolean("used", true);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>Every selected router's FRR JSON, as files <c>DEVICE/ipv4.json</c> and <c>DEVICE/ipv6.json</c>.</summary>
    public static IReadOnlyList<(string Path, string Content)> FrrJsonFiles(BgpOutcome outcome, BgpSelection selection) =>
        outcome.LiveRouters.Where(selection.Includes)
            .SelectMany(r => outcome.Families.Where(selection.Includes).Select(f => (r.Name + "/" + FamilyToken(f) + ".json", FrrJson(outcome, r, f))))
            .ToList();

    // ---------------------------------------------------------------- what-if

    /// <summary><c>dcnet bgp --fail ...</c>: the failures, the convergence estimate term by term, the VIPs, the changes, then the new tables.</summary>
    public static string WhatIfText(WhatIfReport report, BgpSelection selection)
    {
        var sb = new StringBuilder();
        var s = report.Scenario;
        Header(sb, report.Before.Model);
        sb.Append("\nWhat-if: ").Append(string.Join(", ", s.Failures.Select(f => f.Spec))).Append('\n');
        foreach (string note in s.Notes)
        {
            sb.Append("  note: ").Append(note).Append('\n');
        }

        if (s.Detections.Count > 0)
        {
            sb.Append("  sessions lost, and when the surviving end notices:\n");
            var t = new TextTable("device", "session", "detects after", "because").AlignRight(2);
            foreach (var d in s.Detections)
            {
                t.Add(d.End.Router.Name, d.Session.Name, Ms(d.Milliseconds), d.Why);
            }

            t.WriteTo(sb, "    ");
        }

        sb.Append('\n');
        if (report.ConvergedMs is int total)
        {
            sb.Append("Convergence estimate: ").Append(Ms(total)).Append('\n');
            var t = new TextTable("term", "ms", "").AlignRight(1);
            foreach (var term in report.Terms)
            {
                t.Add(term.Name, N(term.Milliseconds), term.Detail);
            }

            t.Add("total", N(total), "the last router's best path and ECMP set settle");
            t.WriteTo(sb);
        }
        else
        {
            sb.Append("Convergence estimate: no route changes.\n");
        }

        if (report.Undetected.Count > 0)
        {
            sb.Append("  warning: ").Append(N(report.Undetected.Count)).Append(" session ends never notice (hold time 0 and no BFD); traffic through them is black-holed until someone intervenes\n");
        }

        if (report.Vips.Count > 0)
        {
            sb.Append("\nVIPs (").Append(N(report.Vips.Count)).Append(" affected)\n");
            var t = new TextTable("service", "vip", "endpoints", "failed", "served by", "black hole");
            foreach (var v in report.Vips)
            {
                t.Add(v.Service.Name, v.Vip.ToString(), string.Join(' ', v.Endpoints.Select(h => h.Name)), v.FailedEndpoints.Count == 0 ? "-" : string.Join(' ', v.FailedEndpoints.Select(h => h.Name)),
                    v.Lost ? "nobody: lost" : string.Join(' ', v.Serving.Select(h => h.Name)), v.Lost ? "until the service moves" : v.BlackholeMs is int ms ? "up to " + Ms(ms) : "-");
            }

            t.WriteTo(sb);
        }

        var changes = report.Changes.Where(c => selection.Includes(c.Router) && selection.Includes(c.Family)).ToList();
        int devices = changes.Select(c => c.Router).Distinct().Count();
        sb.Append("\nRoute changes: ").Append(N(changes.Count)).Append(changes.Count == 1 ? " route" : " routes").Append(" on ")
          .Append(N(devices)).Append(devices == 1 ? " device\n" : " devices\n");
        if (changes.Count > 0)
        {
            var t = new TextTable("device", "family", "prefix", "change", "before", "after", "at").AlignRight(6);

            // Every prefix of a table changed the same way: its cells are formatted once, on the table.
            static string[] Cells(RouteChange c) =>
                c.Table.TextCells ??= [Tokens.Of(c.Kind), Summary(c.Table.Before), Summary(c.Table.After), Ms(c.AtMs)];
            foreach (var g in changes.GroupBy(c => (c.Router, c.Family)))
            {
                foreach (var (label, cells) in Collapse(g.ToList(), c => c.Prefix, Cells))
                {
                    t.Add(g.Key.Router.Name, FamilyToken(g.Key.Family), label, cells[0], cells[1], cells[2], cells[3]);
                }
            }

            t.WriteTo(sb);
        }

        sb.Append("\nTables after the failure\n");
        Tables(sb, report.After, selection);
        return sb.ToString();
    }

    private static string Summary(RibEntry? e)
    {
        if (e?.Best is not { } best)
        {
            return "-";
        }

        return (best.AsPathText + " i").Trim() + " via " + EcmpText(e.Ecmp);
    }

    /// <summary><c>dcnet bgp --fail ... --json</c>.</summary>
    public static string WhatIfJson(WhatIfReport report, BgpSelection selection) => JsonOutput.Write(WhatIfJsonWriter(report, selection));

    /// <summary><c>dcnet bgp --fail ... --json</c> as a writer, to stream.</summary>
    public static Action<Utf8JsonWriter> WhatIfJsonWriter(WhatIfReport report, BgpSelection selection) => w =>
    {
        var s = report.Scenario;
        w.WriteStartObject();
        Preamble(w, report.Before.Model);
        w.WriteStartArray("failures");
        foreach (var f in s.Failures)
        {
            w.WriteStartObject();
            w.WriteString("spec", f.Spec);
            w.WriteString("kind", f.IsNode ? "node" : "link");
            w.WriteString("target", f.Target);
            w.WriteString("mode", Tokens.Of(f.Mode));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("notes");
        foreach (string n in s.Notes)
        {
            w.WriteStringValue(n);
        }

        w.WriteEndArray();
        w.WriteStartArray("detections");
        foreach (var d in s.Detections)
        {
            w.WriteStartObject();
            w.WriteString("session", d.Session.Name);
            w.WriteString("device", d.End.Router.Name);
            if (d.Milliseconds is int ms)
            {
                w.WriteNumber("ms", ms);
            }
            else
            {
                w.WriteNull("ms");
            }

            w.WriteString("why", d.Why);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (report.ConvergedMs is int total)
        {
            w.WriteStartObject("convergence");
            w.WriteNumber("totalMs", total);
            w.WriteNumber("detectionMs", report.DetectionMs ?? 0);
            w.WriteNumber("clearMs", BgpSimulation.ClearMs);
            w.WriteNumber("mraiMs", BgpSimulation.MraiMs);
            w.WriteNumber("processingMs", BgpSimulation.ProcessingMs);
            w.WriteStartArray("terms");
            foreach (var t in report.Terms)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteNumber("ms", t.Milliseconds);
                w.WriteString("detail", t.Detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("convergence");
        }

        w.WriteStartArray("vips");
        foreach (var v in report.Vips)
        {
            w.WriteStartObject();
            w.WriteString("service", v.Service.Name);
            w.WriteString("vip", v.Vip.ToString());
            Names(w, "endpoints", v.Endpoints);
            Names(w, "failedEndpoints", v.FailedEndpoints);
            Names(w, "servedBy", v.Serving);
            w.WriteBoolean("lost", v.Lost);
            if (v.BlackholeMs is int ms && !v.Lost)
            {
                w.WriteNumber("blackholeMs", ms);
            }
            else
            {
                w.WriteNull("blackholeMs");
            }

            w.WriteNumber("routersChanged", v.RoutersChanged);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("changes");
        foreach (var c in report.Changes.Where(c => selection.Includes(c.Router) && selection.Includes(c.Family)))
        {
            w.WriteStartObject();
            w.WriteString("device", c.Router.Name);
            w.WriteString("family", FamilyToken(c.Family));
            w.WriteString("prefix", c.Prefix.ToString());
            w.WriteString("change", Tokens.Of(c.Kind));
            w.WriteNumber("atMs", c.AtMs);
            foreach (var (name, e) in new[] { ("before", c.Before), ("after", c.After) })
            {
                if (e?.Best is null)
                {
                    w.WriteNull(name);
                    continue;
                }

                w.WriteStartObject(name);
                w.WritePropertyName("best");
                PathJson(w, e.Best);
                w.WriteStartArray("ecmp");
                foreach (var p in e.Ecmp)
                {
                    PathJson(w, p);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.FlushWhenLarge();
        }

        w.WriteEndArray();
        Devices(w, report.After, selection);
        w.WriteEndObject();
    };

    private static void Names(Utf8JsonWriter w, string key, IEnumerable<Host> hosts)
    {
        w.WriteStartArray(key);
        foreach (var h in hosts)
        {
            w.WriteStringValue(h.Name);
        }

        w.WriteEndArray();
    }

    // ---------------------------------------------------------------- sweep

    /// <summary>Failures sorted by harm: VIPs lost, routes lost, VIPs affected, convergence time, then name.</summary>
    public static IReadOnlyList<SweepResult> Ranked(IReadOnlyList<SweepResult> results) => results
        .OrderByDescending(r => r.VipsLost).ThenByDescending(r => r.Lost).ThenByDescending(r => r.VipsAffected)
        .ThenByDescending(r => r.ConvergedMs ?? -1).ThenBy(r => r.Failure.Spec, StringComparer.Ordinal).ToList();

    /// <summary><c>dcnet bgp --sweep</c>.</summary>
    public static string SweepText(BgpModel model, IReadOnlyList<SweepResult> results)
    {
        var sb = new StringBuilder();
        Header(sb, model);
        sb.Append("\nSweep: every single fabric-link and switch failure, ").Append(N(results.Count)).Append(" scenarios, worst first\n");
        var t = new TextTable("failure", "routes lost", "moved", "ecmp-reduced", "converged", "VIPs lost", "VIPs affected", "undetected").AlignRight(1, 2, 3, 4, 5, 6, 7);
        foreach (var r in Ranked(results))
        {
            t.Add(r.Failure.Spec, N(r.Lost), N(r.Moved), N(r.EcmpReduced), r.ConvergedMs is int ms ? Ms(ms) : "-", N(r.VipsLost), N(r.VipsAffected), N(r.Undetected));
        }

        t.WriteTo(sb);
        return sb.ToString();
    }

    /// <summary><c>dcnet bgp --sweep --json</c>.</summary>
    public static string SweepJson(BgpModel model, IReadOnlyList<SweepResult> results) => JsonOutput.Write(w =>
    {
        w.WriteStartObject();
        Preamble(w, model);
        w.WriteStartArray("scenarios");
        foreach (var r in Ranked(results))
        {
            w.WriteStartObject();
            w.WriteString("failure", r.Failure.Spec);
            w.WriteNumber("routesLost", r.Lost);
            w.WriteNumber("moved", r.Moved);
            w.WriteNumber("ecmpReduced", r.EcmpReduced);
            if (r.ConvergedMs is int ms)
            {
                w.WriteNumber("convergedMs", ms);
            }
            else
            {
                w.WriteNull("convergedMs");
            }

            w.WriteNumber("vipsLost", r.VipsLost);
            w.WriteNumber("vipsAffected", r.VipsAffected);
            w.WriteNumber("undetected", r.Undetected);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
