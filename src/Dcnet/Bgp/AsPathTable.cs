using System.Collections.Concurrent;
using System.Globalization;

namespace Dcnet.Bgp;

/// <summary>
/// Interned AS paths (one AS_SEQUENCE each): a path is an int, prepending is a cached table look-up, so the simulation
/// never allocates a path twice. Id 0 is the empty path of a locally originated route. Not thread-safe; parallel
/// runs each work on a <see cref="Clone"/>.
/// </summary>
internal sealed class AsPathTable
{
    private readonly List<uint[]> paths;
    private readonly Dictionary<ulong, int> prepends;

    // Reports format the same few paths for every table that holds them, possibly from several threads.
    private readonly ConcurrentDictionary<int, string> texts = new();

    public AsPathTable()
    {
        paths = [[]];
        prepends = [];
    }

    private AsPathTable(List<uint[]> paths, Dictionary<ulong, int> prepends)
    {
        this.paths = paths;
        this.prepends = prepends;
    }

    public const int Empty = 0;

    public int Count => paths.Count;

    public AsPathTable Clone() => new([.. paths], new Dictionary<ulong, int>(prepends));

    public ReadOnlySpan<uint> this[int id] => paths[id];

    public int Length(int id) => paths[id].Length;

    public uint First(int id) => paths[id].Length == 0 ? 0 : paths[id][0];

    /// <summary>How often <paramref name="asn"/> occurs in the path (aspath_loop_check).</summary>
    public int Occurrences(int id, uint asn)
    {
        int c = 0;
        foreach (uint a in paths[id])
        {
            if (a == asn)
            {
                c++;
            }
        }

        return c;
    }

    /// <summary>The path with <paramref name="asn"/> in front: what an eBGP speaker sends (RFC 4271 §5.1.2).</summary>
    public int Prepend(int id, uint asn)
    {
        ulong key = ((ulong)(uint)id << 32) | asn;
        if (prepends.TryGetValue(key, out int found))
        {
            return found;
        }

        var old = paths[id];
        var p = new uint[old.Length + 1];
        p[0] = asn;
        old.CopyTo(p, 1);
        paths.Add(p);
        prepends[key] = paths.Count - 1;
        return paths.Count - 1;
    }

    /// <summary>The interned path itself; it is never changed, so tables share it.</summary>
    public IReadOnlyList<uint> List(int id) => paths[id];

    /// <summary>The path as FRR prints it: ASNs separated by spaces, "" when empty; formatted once per path.</summary>
    public string Text(int id) => texts.GetOrAdd(id, static (i, all) => string.Join(' ', all[i].Select(a => a.ToString(CultureInfo.InvariantCulture))), paths);
}
