using System.Text.Json.Nodes;

namespace Dcnet.Interop.Tests.Bgp;

/// <summary>
/// Compares dcnet's prediction in FRR's own JSON shape (<c>dcnet bgp --format frr-json</c>) with what a live FRR
/// prints for <c>show bgp ipv4|ipv6 unicast json</c>, like with like. Every prefix and every path must match:
/// valid, bestpath, multipath, pathFrom, metric (MED presence), weight, peerId, AS path, origin and each next hop's
/// ip, hostname, afi, scope and used flag. Left out, on purpose: the version counters (history), the order of paths
/// in a prefix's list (FRR lists newest first, which depends on arrival order), selectionReason (the reason of the
/// last comparison FRR ran, which also follows arrival order; counted, reported, not asserted) and link-local
/// addresses, which come from MAC addresses dcnet cannot know (dcnet writes fe80::%IFACE and the peer's hostname
/// must still match).
/// </summary>
public static class FrrTableComparison
{
    public sealed record Result(IReadOnlyList<string> Differences, int Reasons, int ReasonsAgreeing);

    public static Result Compare(string device, string family, JsonObject expected, JsonObject actual)
    {
        var diffs = new List<string>();
        int reasons = 0, agreeing = 0;
        var want = expected["routes"] as JsonObject ?? [];
        var got = actual["routes"] as JsonObject ?? [];
        string at = device + " " + family;
        foreach (var key in want.Select(kv => kv.Key).Union(got.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
        {
            if (!got.ContainsKey(key))
            {
                diffs.Add($"{at} {key}: predicted, FRR has no such route");
                continue;
            }

            if (!want.ContainsKey(key))
            {
                diffs.Add($"{at} {key}: FRR has it ({Describe(got[key]!.AsArray())}), dcnet predicts no route");
                continue;
            }

            var w = want[key]!.AsArray().Select(p => p!.AsObject()).ToDictionary(Identity, StringComparer.Ordinal);
            var g = got[key]!.AsArray().Select(p => p!.AsObject()).ToDictionary(Identity, StringComparer.Ordinal);
            foreach (var id in w.Keys.Union(g.Keys).Order(StringComparer.Ordinal))
            {
                if (!g.TryGetValue(id, out var gp))
                {
                    diffs.Add($"{at} {key}: predicted path {id} is missing (FRR: {Describe(got[key]!.AsArray())})");
                    continue;
                }

                if (!w.TryGetValue(id, out var wp))
                {
                    diffs.Add($"{at} {key}: FRR has path {id} that dcnet does not predict");
                    continue;
                }

                foreach (string field in new[] { "valid", "bestpath", "multipath", "pathFrom", "metric", "weight", "path", "origin" })
                {
                    string a = wp[field]?.ToJsonString() ?? "(absent)", b = gp[field]?.ToJsonString() ?? "(absent)";
                    if (a != b)
                    {
                        diffs.Add($"{at} {key} {id}: {field} predicted {a}, FRR {b}");
                    }
                }

                string wantPeer = wp["peerId"]!.GetValue<string>(), gotPeer = gp["peerId"]?.GetValue<string>() ?? "";
                if (!(wantPeer.StartsWith("fe80::%", StringComparison.Ordinal) ? FrrFabric.IsLinkLocal(gotPeer) : wantPeer == gotPeer))
                {
                    diffs.Add($"{at} {key} {id}: peerId predicted {wantPeer}, FRR {gotPeer}");
                }

                var wn = wp["nexthops"]!.AsArray();
                var gn = gp["nexthops"]!.AsArray();
                if (wn.Count != gn.Count)
                {
                    diffs.Add($"{at} {key} {id}: {wn.Count} next hops predicted, FRR has {gn.Count}: {gn.ToJsonString()}");
                }
                else
                {
                    for (int i = 0; i < wn.Count; i++)
                    {
                        var a = wn[i]!.AsObject();
                        var b = gn[i]!.AsObject();
                        string wantIp = a["ip"]!.GetValue<string>(), gotIp = b["ip"]?.GetValue<string>() ?? "";
                        bool ipOk = wantIp.StartsWith("fe80::%", StringComparison.Ordinal) ? FrrFabric.IsLinkLocal(gotIp) : wantIp == gotIp;
                        bool rest = new[] { "hostname", "afi", "scope", "used" }.All(f => (a[f]?.ToJsonString() ?? "") == (b[f]?.ToJsonString() ?? ""));
                        if (!ipOk || !rest)
                        {
                            diffs.Add($"{at} {key} {id}: next hop {i} predicted {a.ToJsonString()}, FRR {b.ToJsonString()}");
                        }
                    }
                }

                if (wp["bestpath"] is not null)
                {
                    reasons++;
                    if (wp["selectionReason"]?.ToJsonString() == gp["selectionReason"]?.ToJsonString())
                    {
                        agreeing++;
                    }
                }
            }
        }

        return new Result(diffs, reasons, agreeing);
    }

    /// <summary>A path is its sender (the hostname on its first next hop) and its AS path: one path per peer per prefix.</summary>
    private static string Identity(JsonObject path) =>
        (path["nexthops"]?.AsArray().FirstOrDefault()?["hostname"]?.GetValue<string>() ?? "?") + " [" + (path["path"]?.GetValue<string>() ?? "") + "]"
        + ((path["peerId"]?.GetValue<string>() ?? "") == "(unspec)" ? " local" : "");

    private static string Describe(JsonArray paths) => string.Join("; ", paths.Select(p => Identity(p!.AsObject())
        + (p!["bestpath"] is not null ? " best" : "") + (p["multipath"] is not null ? " multipath" : "")));
}
