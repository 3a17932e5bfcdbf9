using System.Globalization;

namespace Dcnet.Vlans;

/// <summary>An IEEE 802.1Q VLAN identifier. 0 (priority tag) and 4095 are reserved, so usable ids are 1..4094.</summary>
public readonly record struct VlanId(ushort Value) : IComparable<VlanId>
{
    public const int FirstUsable = 1;
    public const int LastUsable = 4094;

    /// <summary>The number of VLANs one 802.1Q domain can carry.</summary>
    public const int UsableCount = LastUsable - FirstUsable + 1;

    public static bool TryCreate(long value, out VlanId vlan, out string? problem)
    {
        vlan = default;
        if (value is 0 or 4095)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"VLAN id {value} is reserved by IEEE 802.1Q");
            return false;
        }

        if (value < FirstUsable || value > LastUsable)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"VLAN id {value} is outside the 12-bit VID range");
            return false;
        }

        vlan = new VlanId((ushort)value);
        problem = null;
        return true;
    }

    public int CompareTo(VlanId other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
