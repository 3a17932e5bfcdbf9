using System.Globalization;
using System.Text;

namespace Dcnet.Sdn;

/// <summary>
/// A set of L4 ports (0 to 65535) as sorted, disjoint, non-adjacent inclusive ranges: the port dimension of the header
/// space the segmentation analysis works in. Immutable; operations return new sets.
/// </summary>
public readonly struct PortSet : IEquatable<PortSet>
{
    private readonly PortRange[]? ranges;

    private PortSet(PortRange[]? normalized) => ranges = normalized is { Length: > 0 } ? normalized : null;

    /// <summary>No port.</summary>
    public static PortSet Empty => default;

    /// <summary>Every port, 0 to 65535.</summary>
    public static PortSet All { get; } = new([PortRange.All]);

    public bool IsEmpty => ranges is null;

    public bool IsAll => ranges is { Length: 1 } r && r[0] == PortRange.All;

    public ReadOnlySpan<PortRange> Ranges => ranges;

    /// <summary>Number of ports in the set.</summary>
    public int Count
    {
        get
        {
            int n = 0;
            foreach (var r in Ranges)
            {
                n += r.Last - r.First + 1;
            }

            return n;
        }
    }

    public static PortSet Single(ushort port) => new([new PortRange(port, port)]);

    public static PortSet Of(PortRange range) => new([range]);

    /// <summary>The union of <paramref name="items"/>, in any order, overlapping or not.</summary>
    public static PortSet Of(IEnumerable<PortRange> items)
    {
        var sorted = items.OrderBy(r => r.First).ThenBy(r => r.Last).ToList();
        var merged = new List<PortRange>(sorted.Count);
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && r.First <= merged[^1].Last + 1)
            {
                var last = merged[^1];
                merged[^1] = new PortRange(last.First, Math.Max(last.Last, r.Last));
            }
            else
            {
                merged.Add(r);
            }
        }

        return new PortSet([.. merged]);
    }

    public bool Contains(int port)
    {
        foreach (var r in Ranges)
        {
            if (port < r.First)
            {
                return false;
            }

            if (port <= r.Last)
            {
                return true;
            }
        }

        return false;
    }

    public PortSet Intersect(PortSet other)
    {
        if (IsEmpty || other.IsEmpty)
        {
            return Empty;
        }

        if (other.IsAll)
        {
            return this;
        }

        if (IsAll)
        {
            return other;
        }

        var a = Ranges;
        var b = other.Ranges;
        var result = new List<PortRange>(Math.Max(a.Length, b.Length));
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            int lo = Math.Max(a[i].First, b[j].First);
            int hi = Math.Min(a[i].Last, b[j].Last);
            if (lo <= hi)
            {
                result.Add(new PortRange((ushort)lo, (ushort)hi));
            }

            if (a[i].Last < b[j].Last)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return new PortSet([.. result]);
    }

    public PortSet Union(PortSet other)
    {
        if (IsEmpty || other.IsAll)
        {
            return other;
        }

        if (other.IsEmpty || IsAll)
        {
            return this;
        }

        var all = new PortRange[ranges!.Length + other.ranges!.Length];
        ranges.CopyTo(all, 0);
        other.ranges.CopyTo(all, ranges.Length);
        return Of(all);
    }

    /// <summary>The ports of this set that are not in <paramref name="other"/>.</summary>
    public PortSet Except(PortSet other)
    {
        if (IsEmpty || other.IsEmpty)
        {
            return this;
        }

        if (other.IsAll)
        {
            return Empty;
        }

        var result = new List<PortRange>();
        var b = other.Ranges;
        foreach (var r in Ranges)
        {
            int lo = r.First;
            foreach (var x in b)
            {
                if (x.Last < lo || x.First > r.Last)
                {
                    continue;
                }

                if (x.First > lo)
                {
                    result.Add(new PortRange((ushort)lo, (ushort)(x.First - 1)));
                }

                lo = x.Last + 1;
                if (lo > r.Last)
                {
                    break;
                }
            }

            if (lo <= r.Last)
            {
                result.Add(new PortRange((ushort)lo, r.Last));
            }
        }

        return new PortSet([.. result]);
    }

    public bool Overlaps(PortSet other) => !Intersect(other).IsEmpty;

    public bool Equals(PortSet other) => Ranges.SequenceEqual(other.Ranges);

    public override bool Equals(object? obj) => obj is PortSet p && Equals(p);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        foreach (var r in Ranges)
        {
            h.Add(r);
        }

        return h.ToHashCode();
    }

    public static bool operator ==(PortSet a, PortSet b) => a.Equals(b);

    public static bool operator !=(PortSet a, PortSet b) => !a.Equals(b);

    /// <summary>"443,8000-8100", "all" or "none".</summary>
    public override string ToString()
    {
        if (IsEmpty)
        {
            return "none";
        }

        if (IsAll)
        {
            return "all";
        }

        var sb = new StringBuilder();
        foreach (var r in Ranges)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(r.IsSingle ? r.First.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{r.First}-{r.Last}"));
        }

        return sb.ToString();
    }
}
