namespace Dcnet.Design;

/// <summary>
/// Base of every design record: remembers where it was written, and where each of its keys' values were,
/// so that any later stage can point an error back at the YAML.
/// </summary>
public abstract record DesignNode
{
    private Dictionary<string, SourceLocation>? locations;

    /// <summary>Where the mapping that produced this record starts.</summary>
    public SourceLocation Location { get; internal set; }

    /// <summary>Where the value of <paramref name="key"/> was written, or this record's location when the key was not given.
    /// List elements are addressed as <c>key[i]</c>.</summary>
    public SourceLocation LocationOf(string key) =>
        locations is not null && locations.TryGetValue(key, out var l) ? l : Location;

    /// <summary>True when the user wrote <paramref name="key"/> (as opposed to taking its default).</summary>
    public bool Has(string key) => locations is not null && locations.ContainsKey(key);

    internal void Remember(string key, SourceLocation location) =>
        (locations ??= new Dictionary<string, SourceLocation>(StringComparer.Ordinal))[key] = location;

    internal void CopyLocationsFrom(DesignNode other)
    {
        Location = other.Location;
        if (other.locations is not null)
        {
            locations = new Dictionary<string, SourceLocation>(other.locations, StringComparer.Ordinal);
        }
    }
}
